"""Exports in a hub's warehouse (docs/regional-hub.md): one regional return per authority in the marts, or those
`--la` names; statutory returns and pages for the authority `--la` names; an authority the warehouse does not hold
is refused in one line before anything is written. The fixture marts hold 841 and 840 (tests/exports/conftest.py)."""

from __future__ import annotations

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
