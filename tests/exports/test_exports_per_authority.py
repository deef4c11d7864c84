"""Exports in a hub's warehouse (docs/regional-hub.md): one regional return per authority in the marts, or those
`--la` names; statutory returns and pages for the authority `--la` names; an authority the warehouse does not hold
is refused in one line before anything is written. The fixture marts hold 841 and 840 (tests/exports/conftest.py)."""

from __future__ import annotations

import json

import pytest

from csw.cli import main
from exports.regional import job
from tests.exports.conftest import LA, PERIOD, settings_now


def test_a_hub_writes_and_mails_one_return_per_authority_in_the_marts(file_warehouse, smtp_server, tmp_path):
    """The fixture marts hold 841 (eight quarters) and 840 (one CLA_STARTS value of the quarter): without
    `la_codes` the job writes both, each in its own folder with its own rows, and mails each on its own."""
    said: list[str] = []
    files = job.write(settings_now(), PERIOD, tmp_path / "out", progress=said.append)
    assert sorted(files.by_authority) == ["840", LA]
    for code, one in files.by_authority.items():
        assert one.folder == tmp_path / "out" / "regional" / code / PERIOD
    durham = files.by_authority["840"].csv.read_text().splitlines()
    assert durham[1:] == ["840,2024-25Q4,REF_RATE,,,", "840,2024-25Q4,ASMT_45WD_PCT,,,",
                          "840,2024-25Q4,CLA_STARTS,99,,99"] + [f"840,2024-25Q4,{i},,," for i in (
                          "CLA_UASC_COUNT", "CPP_SECOND_PCT", "HLTH_DENTAL_PCT", "CL_EET_19_21_PCT", "WF_CASELOAD_AVG",
                          "CONT_COUNT")]
    assert f"{LA},{PERIOD},CLA_STARTS,,,c" in files.by_authority[LA].csv.read_text().splitlines()
    assert said[0] == f"regional return {PERIOD} for 2 authorities: 840, {LA}"
    assert said[-1] == f"authority {LA} (2/2): regional return {PERIOD} written to {files.by_authority[LA].folder}"

    assert job.deliver(settings_now(), PERIOD, files.paths, progress=lambda _: None) is True
    assert [m["Subject"] for m in smtp_server] == [f"Regional return 840 {PERIOD}", f"Regional return {LA} {PERIOD}"]
    assert "County Durham (840)" in next(smtp_server[0].iter_parts()).get_content()
    assert sorted(p.get_filename() for p in smtp_server[0].iter_attachments()) == [
        "manifest.json", f"return_840_{PERIOD}.csv", f"return_840_{PERIOD}.xlsx"]


def test_la_names_the_authorities_and_an_unknown_one_is_refused_in_one_line(file_warehouse, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", "regional", "--period", PERIOD, "--out", str(out), "--la", "840"]) == 0
    assert [p.name for p in (out / "regional").iterdir()] == ["840"]
    assert capsys.readouterr().out.splitlines()[-3:] == [
        f"wrote {out}/regional/840/{PERIOD}/return_840_{PERIOD}.xlsx",
        f"wrote {out}/regional/840/{PERIOD}/return_840_{PERIOD}.csv",
        f"wrote {out}/regional/840/{PERIOD}/manifest.json"]
    assert main(["export", "regional", "--period", PERIOD, "--out", str(out), "--la", "841,805"]) == 1
    assert capsys.readouterr().err == ("csw: authority 805 not in marts.fct_indicator_values (it holds: 840, 841): "
                                       "load its extract and build first, or check the code\n")
    assert [p.name for p in (out / "regional").iterdir()] == ["840"]  # nothing written for 841 either


@pytest.mark.parametrize("command", [
    ["export", "ssda903", "--year", "2024-25"],
    ["export", "cin", "--year", "2024-25"],
    ["export", "annex-a", "--as-of", "2025-03-31"],
    ["report", "scorecard", "--period", PERIOD],
])
def test_a_statutory_export_or_page_for_an_authority_the_warehouse_lacks_is_refused(file_warehouse, tmp_path, capsys,
                                                                                     command):
    out = tmp_path / "out"
    assert main([*command, "--out", str(out), "--la", "805"]) == 1
    assert capsys.readouterr().err == ("csw: authority 805 not in the warehouse (it holds: 840, 841): load its "
                                       "extract and build first, or check the code\n")
    assert not out.exists()


def test_the_authority_asked_for_is_the_one_read(file_warehouse, tmp_path, capsys):
    """840 is in the warehouse, so the export goes on to its own reason (no SSD staging in the fixture)."""
    assert main(["export", "ssda903", "--year", "2024-25", "--out", str(tmp_path), "--la", "840"]) == 1
    assert capsys.readouterr().err.startswith("csw: the SSD staging models are not built")


def test_another_authoritys_pages_go_in_its_own_folder(tmp_path):
    from exports.reports.job import out_dir_for

    assert out_dir_for(tmp_path, PERIOD, sharing=False) == tmp_path / "scorecard" / PERIOD
    assert out_dir_for(tmp_path, PERIOD, sharing=True, la_code="840") == tmp_path / "scorecard" / "840" / f"{PERIOD}-sharing"


# --- a gate per authority (dq.check_results.la_code) ---------------------------------------------------------

def _run_failing_for(warehouse, codes: list[str | None]) -> None:
    """The newest check run (run-3, after the fixture's passed run-2): contact dates checked per authority, blank
    in 840's rows (840 failed, 841 passed), the reference table with `codes` failing (None: every authority's)."""
    import duckdb

    from foundation.state import read_state, state_values

    con = duckdb.connect(str(warehouse))
    for column in ("acknowledged_by", "la_code"):  # as `csw check` migrates dq
        con.execute(f"alter table dq.check_results add column {column} varchar")
    con.execute("insert into dq.runs values ('run-3', '2025-04-14 10:00', '2025-04-14 10:00', '2025-04-11', 'FAILED', "
                f"3, {1 + len(codes)}, 0, $1, $2, $3)", list(state_values(read_state(con))))
    rows = [("raw_case_system__contacts", "not_null_contact_date", "failed", 1, "840"),
            ("raw_case_system__contacts", "not_null_contact_date", "passed", 0, "841")]
    rows += [("raw_reference__population", "not_null_population", "failed", 1, code) for code in codes]
    for suite, check, status, failing, code in rows:
        con.execute("insert into dq.check_results (run_id, suite, check_name, feed, table_name, severity, status, "
                    "observed_value, failing_rows, checked_at, la_code) values ('run-3', $1, $2, 'case_system', "
                    "'contacts', 'blocking', $3, $4, $5, '2025-04-14 10:00', $6)",
                    [suite, check, status, f"{failing} of 3 rows", failing, code])
    con.close()


HELD = ("latest data quality run run-3 is FAILED: 1 blocking check(s) failed: "
        "raw_case_system__contacts.not_null_contact_date (contacts) (fix them, or release the quarter: "
        f"csw dq release --period {PERIOD} --by NAME --reason TEXT)")


def test_a_blocking_failure_in_one_authoritys_rows_holds_back_its_return_only(file_warehouse, smtp_server, tmp_path):
    _run_failing_for(file_warehouse, [])
    said: list[str] = []
    files = job.write(settings_now(), PERIOD, tmp_path / "out", progress=said.append)
    assert list(files.by_authority) == [LA] and files.held_back == {"840": HELD}
    assert not (tmp_path / "out" / "regional" / "840").exists()
    assert f"authority 840 (1/2): held back: {HELD}" in said
    assert f"regional return {PERIOD}: authority 840 held back: {HELD}; written for {LA}" in said
    # 841's Data quality sheet: its own result of the contacts check (passed), none of 840's
    manifest = json.loads(files.by_authority[LA].manifest.read_text())
    assert manifest["files"][0]["rows"]["Data quality"] == 1
    # the alert is 840's: its return, its failure
    [mail] = smtp_server
    assert mail["Subject"] == (f"[csw] Regional return 840 {PERIOD} blocked: 1 blocking failure in case_system")
    assert f"was NOT written: {HELD}; written for {LA}" in next(mail.iter_parts()).get_content()
    assert job.deliver(settings_now(), PERIOD, files.paths, progress=lambda _: None) is True
    assert [m["Subject"] for m in smtp_server[1:]] == [f"Regional return {LA} {PERIOD}"]  # 841's goes out


def test_a_failure_of_no_one_authority_holds_back_every_return(file_warehouse, smtp_server, tmp_path, capsys):
    _run_failing_for(file_warehouse, [None])  # reference data about every authority
    out = tmp_path / "out"
    assert main(["export", "regional", "--period", PERIOD, "--out", str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.startswith("csw: authority 840: latest data quality run run-3 is FAILED: 2 blocking check(s) failed: ")
    assert ("; authority 841: latest data quality run run-3 is FAILED: 1 blocking check(s) failed: "
            "raw_reference__population.not_null_population (contacts)") in err


def test_the_command_line_writes_the_clear_authority_and_exits_1_naming_the_held_one(file_warehouse, tmp_path,
                                                                                     capsys):
    _run_failing_for(file_warehouse, ["840"])  # both failures 840's
    out = tmp_path / "out"
    assert main(["export", "regional", "--period", PERIOD, "--out", str(out)]) == 1
    assert [p.name for p in (out / "regional").iterdir()] == [LA]
    lines = capsys.readouterr().out.splitlines()
    assert lines[-4].startswith(f"regional return {PERIOD}: authority 840 held back: latest data quality run run-3 "
                                "is FAILED: 2 blocking check(s) failed: ")
    assert lines[-4].endswith(f"; written for {LA}")


BY, WHY = "A. Head of Service", "the blank contact dates are corrected at source next week"


def test_a_release_of_one_authority_lets_its_return_out_and_no_one_elses(file_warehouse, smtp_server, tmp_path,
                                                                         capsys):
    """`csw dq release --la 840` releases 840's failures only: with a failure of no one authority's (the reference
    table) too, 840's return goes out and 841's, held back by that failure, stays held back."""
    from expectations.releases import releases
    from foundation.warehouse import connect

    _run_failing_for(file_warehouse, [None])
    assert main(["dq", "release", "--period", PERIOD, "--la", "841", "--by", BY, "--reason", WHY]) == 0
    assert main(["dq", "release", "--period", PERIOD, "--la", "840", "--by", BY, "--reason", WHY]) == 0
    out = capsys.readouterr().out
    assert "against check run run-3 (1 blocking check(s) of authority 841): " + WHY in out
    assert "against check run run-3 (2 blocking check(s) of authority 840): " + WHY in out
    assert [m["Subject"] for m in smtp_server] == [
        f"[csw] Regional return 841 {PERIOD} released by {BY} despite 1 blocking failure",
        f"[csw] Regional return 840 {PERIOD} released by {BY} despite 2 blocking failures"]
    with connect(settings_now()) as con:
        assert sorted((r.la_code, r.blocking_checks) for r in releases(con, PERIOD)) == [
            ("840", ("raw_case_system__contacts / not_null_contact_date",
                     "raw_reference__population / not_null_population")),
            ("841", ("raw_reference__population / not_null_population",))]
    files = job.write(settings_now(), PERIOD, tmp_path / "out", progress=lambda _: None)
    assert sorted(files.by_authority) == ["840", LA] and files.held_back == {}
    cover = json.loads(files.by_authority["840"].manifest.read_text())["release"]
    assert (cover["released_by"], cover["blocking_checks"]) == (BY, [
        "raw_case_system__contacts / not_null_contact_date", "raw_reference__population / not_null_population"])


def test_a_release_of_one_authority_leaves_the_others_held_back(file_warehouse, smtp_server, tmp_path, capsys):
    _run_failing_for(file_warehouse, [None])  # 840's contacts and everyone's reference table
    assert main(["dq", "release", "--period", PERIOD, "--la", "841", "--by", BY, "--reason", WHY]) == 0
    files = job.write(settings_now(), PERIOD, tmp_path / "out", progress=lambda _: None)
    assert list(files.by_authority) == [LA] and list(files.held_back) == ["840"]
    assert json.loads(files.by_authority[LA].manifest.read_text())["release"]["blocking_checks"] == [
        "raw_reference__population / not_null_population"]


def test_a_release_of_an_authority_without_a_blocking_failure_is_refused(file_warehouse, smtp_server, capsys):
    _run_failing_for(file_warehouse, [])  # 840's failure only
    assert main(["dq", "release", "--period", PERIOD, "--la", "841", "--by", BY, "--reason", WHY]) == 1
    assert capsys.readouterr().err == ("csw: check run run-3 has no blocking failure of authority 841 (FAILED): "
                                       "there is nothing to release\n")
    assert main(["dq", "release", "--period", PERIOD, "--la", "84", "--by", BY, "--reason", WHY]) == 1
    assert capsys.readouterr().err == "csw: --la '84': expected an authority's three-digit DfE code, e.g. 841\n"
    assert main(["dq", "release", "--period", PERIOD, "--la", "804", "--by", BY, "--reason", WHY]) == 1
    assert capsys.readouterr().err == ("csw: authority 804 not in the warehouse (it holds: 840, 841): load its extract "
                                       "and build first, or check the code\n")
    assert smtp_server == []


def test_the_gate_passes_an_authority_whose_failures_are_released(file_warehouse, smtp_server, monkeypatch):
    from datetime import date, datetime

    import expectations
    from expectations.results import CheckResult, CheckRun

    _run_failing_for(file_warehouse, ["840"])  # run-3: both blocking failures 840's
    assert main(["dq", "release", "--period", PERIOD, "--la", "840", "--by", BY, "--reason", WHY]) == 0
    stored = [CheckResult(suite, check, "case_system", "contacts", "blocking", "failed", "1 of 3 rows", 1, None, "",
                          datetime(2025, 4, 14), la_code="840")
              for suite, check in (("raw_case_system__contacts", "not_null_contact_date"),
                                   ("raw_reference__population", "not_null_population"))]
    monkeypatch.setattr(expectations, "check_warehouse", lambda *a, **k: CheckRun.from_results(
        "run-3", date(2025, 4, 11), datetime(2025, 4, 14), datetime(2025, 4, 14), stored))
    said: list[str] = []
    assert job.gate(settings_now(), PERIOD, progress=said.append) == "run-3"
    assert said[1].startswith(f"authority 840: regional return {PERIOD} released by {BY} at ")
    assert said[-1] == f"regional return {PERIOD} gate passed for 840, {LA}"


def test_the_gate_passes_when_one_authority_is_clear_and_blocks_when_none_is(file_warehouse, smtp_server,
                                                                            monkeypatch):
    from datetime import date, datetime

    import expectations
    from expectations.results import CheckResult, CheckRun

    def result(la_code):
        return CheckResult("raw_case_system__contacts", "not_null_contact_date", "case_system", "contacts",
                           "blocking", "failed", "1 of 3 rows", 1, None, "1 row has a blank contact_date",
                           datetime(2025, 4, 14), la_code=la_code)

    def checked(results):
        return lambda *a, **k: CheckRun.from_results("run-9", date(2025, 4, 11), datetime(2025, 4, 14),
                                                     datetime(2025, 4, 14), results)

    said: list[str] = []
    monkeypatch.setattr(expectations, "check_warehouse", checked([result("840")]))
    assert job.gate(settings_now(), PERIOD, progress=said.append) == "run-9"
    assert said[1:] == ["authority 840 held back: 1 blocking check(s) failed: "
                        "raw_case_system__contacts.not_null_contact_date",
                        f"regional return {PERIOD} gate passed for {LA}"]
    assert smtp_server == []  # the write step alerts for 840, once
    monkeypatch.setattr(expectations, "check_warehouse", checked([result("840"), result(None)]))
    with pytest.raises(job.ReturnBlocked, match="2 blocking data quality check"):
        job.gate(settings_now(), PERIOD, progress=said.append)


def test_the_quarterly_pages_are_written_and_mailed_for_every_authority(file_warehouse, smtp_server, tmp_path,
                                                                        monkeypatch):
    """exports.reports.job.publish (the DAG's write_scorecard task): each authority of the marts its internal and
    sharing pages, each by write_scorecard (tested on its own), and its own mail."""
    from exports.reports import job as reports
    from exports.reports.pages import Built

    written: list[tuple[str, bool]] = []

    def write_scorecard(settings, period, out, *, sharing=False, pdf=False, la_code=None, progress):
        written.append((la_code, sharing))
        folder = reports.out_dir_for(out, period, sharing=sharing, la_code=None if la_code == LA else la_code)
        return Built(out_dir=folder, pages=(), pdfs=(), seconds=0.0)

    monkeypatch.setattr(reports, "write_scorecard", write_scorecard)
    said: list[str] = []
    folders = reports.publish(settings_now(), PERIOD, tmp_path, progress=said.append)
    assert written == [("840", False), ("840", True), (LA, False), (LA, True)]
    assert folders == [tmp_path / "scorecard" / "840" / PERIOD, tmp_path / "scorecard" / "840" / f"{PERIOD}-sharing",
                       tmp_path / "scorecard" / PERIOD, tmp_path / "scorecard" / f"{PERIOD}-sharing"]
    assert [m["Subject"] for m in smtp_server] == [f"Performance scorecard {PERIOD} (840)",
                                                   f"Performance scorecard {PERIOD} ({LA})"]
    assert "panel report of authority 840 for" in next(smtp_server[0].iter_parts()).get_content()
    assert said[-1] == f"authority {LA} (2/2): emailed the performance team (performance@example.org)"


def test_csw_run_exports_when_a_blocking_failure_holds_back_some_authorities_only(file_warehouse, tmp_path,
                                                                                  monkeypatch, capsys):
    """`csw run` after its check run: a failure of 840's rows alone goes on to the export (which holds 840 back and
    exits 1, tested above); one of no authority's (or of every authority) stops before the export, as before."""
    from datetime import date, datetime
    from types import SimpleNamespace

    import csw.cli
    import csw.pipeline
    from expectations.results import CheckResult, CheckRun
    from exports.regional.job import RegionalReturns

    def run_failing(la_code):
        failed = CheckResult("raw_case_system__contacts", "not_null_contact_date", "case_system", "contacts",
                             "blocking", "failed", "1 of 3 rows", 1, None, "1 row has a blank contact_date",
                             datetime(2025, 4, 14), la_code=la_code)
        return CheckRun.from_results("run-9", date(2025, 3, 31), datetime(2025, 4, 14), datetime(2025, 4, 14),
                                     [failed])

    exported: list[str] = []
    monkeypatch.setattr(csw.pipeline, "ingest", lambda *a, **k: None)
    monkeypatch.setattr(csw.cli, "print_load_report", lambda report: None)
    monkeypatch.setattr(csw.pipeline, "build", lambda **k: SimpleNamespace(counts={"model:success": 1}))
    monkeypatch.setattr(csw.pipeline, "export_regional", lambda period, out, **k: exported.append(period)
                        or RegionalReturns({}, {"840": "its own failure"}))
    args = ["run", "--landing", str(tmp_path), "--as-of", "2025-03-31", "--out", str(tmp_path / "out")]
    monkeypatch.setattr(csw.pipeline, "check", lambda **k: run_failing("840"))
    assert main(args) == 1 and exported == [PERIOD]  # exported for 841, 840 held back: exit 1
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(csw.pipeline, "check", lambda **k: run_failing(None))
    assert main(args) == 1 and exported == [PERIOD]  # not exported again
    assert capsys.readouterr().out.splitlines()[-1] == (
        "csw: export refused: 1 blocking check(s) failed: not_null_contact_date")


def test_an_authoritys_data_quality_page_shows_its_own_failures_and_those_of_no_one_authority(file_warehouse):
    """exports.reports.read.read_dq: 840's blank contact dates are on 840's page only (their keys are 840's); the
    reference table's failure, every authority's, is on both."""
    import duckdb

    from exports.reports.read import read_dq

    _run_failing_for(file_warehouse, [None])
    con = duckdb.connect(str(file_warehouse), read_only=True)
    try:
        pages = {code: read_dq(con, code) for code in ("840", LA)}
    finally:
        con.close()
    assert [c.check_name for c in pages["840"].checks] == ["not_null_contact_date", "not_null_population"]
    assert [c.check_name for c in pages[LA].checks] == ["not_null_population"]
    # the history of a check over the last runs is the authority's own: 841 passed run-2's, 840 failed run-3's
    [contacts] = [c for c in pages["840"].checks if c.check_name == "not_null_contact_date"]
    assert [status for _, status in contacts.trend] == ["failed", "passed", "failed"]
