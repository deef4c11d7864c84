"""Hostile and careless files (issue 12): no header runs SQL, one bad file never stops the others, the
landing folder is a jail (symbolic links quarantined unread), file names print on one line, a header-only
snapshot empties its object, a much smaller snapshot warns, and a busy DuckDB warehouse is waited for.

tests/server/test_hostile_files_postgres.py runs the same tests on Postgres."""

from __future__ import annotations

import builtins
import io
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from csw.cli import main
from expectations.current_rows import current_rows_sql
from foundation.settings import get_settings
from foundation.warehouse import WarehouseBusy, connect, is_postgres
from ingest.core import load as load_module
from ingest.core.landed import safe_column_name
from ingest.core.read import LINK_REASON, NOT_A_FILE_REASON
from ingest.core.runs import files_for_day, load_feed_day
from tests.ingest.test_bad_files import HEALTH, ingest, loaded, snapshot, write  # noqa: F401 - `loaded` is a fixture

DEPARTMENT = "dept_team_id,dept_team_name"
PERSON = "pers_person_id,pers_sex,pers_dob,pers_ethnicity\n"
ATTENDANCE = ("person_id,school_urn,school_phase,week_start,possible_sessions,attended_sessions,"
              "authorised_absence_sessions,unauthorised_absence_sessions\n")
INJECTION = ('x" varchar; commit; create table raw.pwned as select * from raw._child_keys; '
             "copy raw._child_keys to '{leak}'; --")
HOSTILE_NAMES = {
    "injection": INJECTION,
    "quote": 'bad"col',
    "semicolon": "team;drop table raw._loads",
    "nul": "nul\x00col",
    "long": "c" * 10_000,
}
_PLAIN = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def persons(n: int) -> str:
    return PERSON + "".join(f"P{i},F,2015-03-01,WBRI\n" for i in range(1, n + 1))


def all_tables(settings) -> set[str]:
    con = connect(settings, read_only=True)
    try:
        return {f"{s}.{t}" for s, t in con.execute("select table_schema, table_name from information_schema.tables "
                                                   "where table_schema not in ('information_schema', 'pg_catalog')")
                .fetchall()}
    finally:
        con.close()


def raw_columns(settings) -> list[str]:
    con = connect(settings, read_only=True)
    try:
        return [r[0] for r in con.execute("select column_name from information_schema.columns "
                                          "where table_schema = 'raw'").fetchall()]
    finally:
        con.close()


def query(settings, sql: str, params: list | None = None) -> list[tuple]:
    con = connect(settings, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def without(tables: dict, *names: str) -> dict:
    return {k: v for k, v in tables.items() if k not in names}


def outcome_of(report, file_name: str):
    [outcome] = [f for f in report.files if f.file_name == file_name]
    return outcome


# --- 1. identifiers are never text in SQL ---------------------------------------------------------------------


@pytest.mark.parametrize("case", list(HOSTILE_NAMES))
def test_a_hostile_header_name_never_runs_as_sql(loaded, settings, tmp_path, case):
    landing, before = loaded
    leak = tmp_path / "leak.csv"
    hostile = HOSTILE_NAMES[case].format(leak=leak)
    tables_before = all_tables(settings)
    write(landing, "case_system", "ssd_department.csv", f"{DEPARTMENT},{hostile}\nT1,Team one,value\n")
    report = ingest(landing, settings)

    outcome = outcome_of(report, "ssd_department.csv")
    assert outcome.outcome in ("loaded", "quarantined")
    assert "\n" not in outcome.reason and "\n" not in outcome.warning
    if outcome.outcome == "loaded":  # kept under a generated name, the row intact
        generated = safe_column_name(hostile.lower())
        assert generated.startswith("extra_") and len(generated) <= 63
        assert query(settings, f"select dept_team_id, {generated} from raw.case_system__ssd_department") == [
            ("T1", "value")]
        [warning] = query(settings, "select warning from raw._loads where file_name = 'ssd_department.csv'")
        assert f"kept as {generated}" in warning[0]
    else:
        assert outcome.reason.startswith("ssd_department.csv: ")
        assert list(settings.quarantine_dir.rglob("ssd_department.csv"))
    assert all_tables(settings) == tables_before  # no raw.pwned, nothing dropped
    assert not leak.exists() and not Path(str(leak).lower()).exists()
    assert all(_PLAIN.fullmatch(c) for c in raw_columns(settings)), "a column name that is not a plain name"
    changed = ("_loads/loaded", "case_system__ssd_department")  # other tables and the child keys unchanged
    assert without(snapshot(settings), *changed) == without(before, *changed)


def test_a_plain_extra_column_keeps_its_name_and_the_same_header_maps_to_the_same_column():
    assert safe_column_name("clinic_room") == "clinic_room"
    assert safe_column_name("_batch_id").startswith("extra_batch_id_")  # never a loader column
    assert safe_column_name('bad"col') == safe_column_name('bad"col') != safe_column_name("bad;col")
    assert re.fullmatch(r"extra_[0-9a-f]{10}", safe_column_name("\x00"))


# --- 2. one bad file never stops the others ---------------------------------------------------------------------


def test_a_file_that_fails_to_parse_with_any_error_is_quarantined_and_the_others_load(tmp_path, settings):
    landing = tmp_path / "landing"
    write(landing, "case_system", "ssd_person.csv", persons(2))
    write(landing, "education", "vs_attendance_20240510.csv",
          ATTENDANCE + "P1,105432,PRIMARY,2024-05-06,1e30,9,1,0\n")  # not an int64: pandas raises TypeError
    write(landing, "health", "health_assessments_20240601.csv", HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,,DNA\n")
    report = ingest(landing, settings)
    poison = outcome_of(report, "vs_attendance_20240510.csv")
    assert poison.outcome == "quarantined" and poison.reason.startswith("vs_attendance_20240510.csv: ")
    assert "\n" not in poison.reason
    assert {f.file_name for f in report.files if f.outcome == "loaded"} == {
        "ssd_person.csv", "health_assessments_20240601.csv"}
    assert query(settings, "select outcome, reason from raw._loads where file_name = 'vs_attendance_20240510.csv'") == [
        ("quarantined", poison.reason)]
    assert query(settings, "select count(*) from raw.education__vs_attendance") == [(0,)]


@pytest.mark.parametrize("error", ["engine", "MemoryError", "OSError"])
def test_an_error_while_writing_one_file_rolls_it_back_and_the_next_file_loads(tmp_path, settings, monkeypatch, error):
    """The error comes after the file's rows were written (while its child keys are added): a real engine error
    (a query on a missing table, which also aborts a Postgres transaction), MemoryError or OSError."""
    add_keys = load_module.pseudonymise.add_keys

    def failing_add_keys(con, secret, la_code, person_ids, known=None):
        if "P_POISON" in set(person_ids):
            if error == "engine":
                con.execute("select * from raw.no_such_table")
            raise {"MemoryError": MemoryError, "OSError": OSError}[error]("out of room")
        return add_keys(con, secret, la_code, person_ids, known=known)

    monkeypatch.setattr(load_module.pseudonymise, "add_keys", failing_add_keys)
    landing = tmp_path / "landing"
    write(landing, "case_system", "ssd_cin_episodes.csv",
          "cine_referral_id,cine_person_id,cine_referral_date,cine_cin_primary_need_code,cine_referral_source_code,"
          "cine_referral_nfa,cine_close_reason,cine_close_date\nR1,P_POISON,2024-05-01,N1,6,N,,\n")
    write(landing, "case_system", "ssd_person.csv", persons(2))
    report = ingest(landing, settings)
    poison = outcome_of(report, "ssd_cin_episodes.csv")
    assert poison.outcome == "quarantined"
    assert poison.reason.startswith("ssd_cin_episodes.csv: could not be loaded (")
    assert poison.reason.endswith("nothing of it was written") and "\n" not in poison.reason
    assert outcome_of(report, "ssd_person.csv").outcome == "loaded"
    assert query(settings, "select count(*) from raw.case_system__ssd_cin_episodes") == [(0,)]  # rolled back
    assert query(settings, "select count(*) from raw.case_system__ssd_person") == [(2,)]
    assert query(settings, "select count(*) from raw._child_keys where person_id = 'P_POISON'") == [(0,)]
    [moved] = settings.quarantine_dir.rglob("ssd_cin_episodes.csv")
    assert moved.with_name(moved.name + ".reason.txt").read_text() == poison.reason + "\n"


def test_a_file_that_cannot_be_moved_to_quarantine_is_still_refused_and_the_next_file_loads(
        tmp_path, settings, monkeypatch):
    def no_move(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(load_module.shutil, "move", no_move)
    landing = tmp_path / "landing"
    bad = write(landing, "case_system", "ssd_cin_episodes.csv", "not,a,referral\n1,2,3\n")
    write(landing, "case_system", "ssd_person.csv", persons(2))
    report = ingest(landing, settings)
    refused = outcome_of(report, "ssd_cin_episodes.csv")
    assert refused.outcome == "quarantined" and bad.exists()
    assert "(left in the landing folder: moving it to quarantine failed: [Errno 13] Permission denied" in refused.reason
    assert "\n" not in refused.reason
    assert outcome_of(report, "ssd_person.csv").outcome == "loaded"


# --- 4. the landing folder is a jail ------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside landing and quarantine, with a valid feed file and another file in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "police_missing_20240601.csv").write_text(
        "episode_id,person_id,missing_start,missing_end,return_interview_offered,return_interview_date\n"
        "M1,P1,2024-05-01,2024-05-02,Y,2024-05-03\n")
    (folder / "ssd_person.csv").write_text(persons(3))
    return folder


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _ingest_day(landing: Path, settings):
    """What a run of the DAG `ingest__partners` for 2024-06-01 does."""
    assert files_for_day(landing, "partners", date(2024, 6, 1)) == [landing / "partners"]  # the sensor fires
    con = connect(settings)
    try:
        return load_feed_day(con, landing, "partners", date(2024, 6, 1), settings)
    finally:
        con.close()


@pytest.mark.parametrize("run", ["csw ingest", "DAG run"])
def test_a_feed_folder_that_is_a_symlink_is_quarantined_as_a_link_and_its_target_untouched(
        loaded, settings, outside, run):
    landing, before = loaded
    files = _contents(outside)
    (landing / "partners").symlink_to(outside, target_is_directory=True)
    report = ingest(landing, settings) if run == "csw ingest" else _ingest_day(landing, settings)
    assert _contents(outside) == files  # nothing moved, nothing deleted
    assert not os.path.lexists(landing / "partners")
    [refused] = [f for f in report.files if f.feed == "partners"]
    assert refused.outcome == "quarantined" and "the feed folder is a symbolic link" in refused.reason
    [moved] = [p for p in settings.quarantine_dir.rglob("partners") if p.is_symlink()]
    assert os.readlink(moved) == str(outside)
    assert snapshot(settings) == before


def test_a_file_symlink_is_quarantined_as_a_link_and_never_loaded(loaded, settings, outside):
    landing, before = loaded
    files = _contents(outside)
    link = landing / "case_system" / "ssd_person.csv"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside / "ssd_person.csv")
    report = ingest(landing, settings)
    outcome = outcome_of(report, "ssd_person.csv")
    assert (outcome.outcome, outcome.reason) == ("quarantined", f"ssd_person.csv: {LINK_REASON}")
    [moved] = settings.quarantine_dir.rglob("ssd_person.csv")
    assert moved.is_symlink() and os.readlink(moved) == str(outside / "ssd_person.csv")
    assert _contents(outside) == files
    assert snapshot(settings) == before


def test_a_link_to_a_system_file_or_folder_is_never_opened(loaded, settings, monkeypatch):
    landing, before = loaded
    (landing / "case_system").mkdir(parents=True, exist_ok=True)
    (landing / "case_system" / "ssd_person.csv").symlink_to("/etc/passwd")
    (landing / "case_system" / "ssd_contacts.csv").symlink_to("/proc/self/environ")
    (landing / "case_system" / "etc").symlink_to("/etc", target_is_directory=True)
    opened: list[str] = []

    def spy(real):
        def wrapper(file, *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)):
                opened.append(os.path.realpath(file))
            return real(file, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(os, "open", spy(os.open))
    monkeypatch.setattr(io, "open", spy(io.open))
    monkeypatch.setattr(builtins, "open", spy(builtins.open))
    report = ingest(landing, settings)
    assert not [p for p in opened if p.startswith(("/etc", "/proc"))]
    refused = {f.file_name: f.reason for f in report.files if f.outcome == "quarantined"}
    assert refused == {name: f"{name}: {LINK_REASON}" for name in ("etc", "ssd_contacts.csv", "ssd_person.csv")}
    assert Path("/etc/passwd").is_file() and not (landing / "case_system" / "etc").exists()
    assert snapshot(settings) == before


def test_a_pipe_in_the_landing_folder_is_quarantined_without_waiting_on_it(loaded, settings):
    landing, before = loaded
    (landing / "case_system").mkdir(parents=True, exist_ok=True)
    os.mkfifo(landing / "case_system" / "ssd_person.csv")  # a blocking open would wait for a writer forever
    report = ingest(landing, settings)
    outcome = outcome_of(report, "ssd_person.csv")
    assert (outcome.outcome, outcome.reason) == ("quarantined", f"ssd_person.csv: {NOT_A_FILE_REASON}")
    assert snapshot(settings) == before


# --- 9. smaller items ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "printed"), [
    ("ssd_person\n.csv", "ssd_person\\n.csv"),
    ("ssd_person.csv\r", "ssd_person.csv\\r"),
    ("\x1b[31mssd_person.csv", "\\x1b[31mssd_person.csv"),
    ("ssd\u2028person.csv", "ssd\\u2028person.csv"),
])
def test_a_file_name_with_control_characters_prints_on_one_line(loaded, settings, name, printed):
    landing, before = loaded
    write(landing, "case_system", name, persons(1))
    report = ingest(landing, settings)
    outcome = outcome_of(report, printed)
    assert outcome.outcome == "quarantined"
    assert outcome.reason == f"{printed}: unsafe file name (only letters, digits, '_', '-' and '.' are accepted)"
    assert len(outcome.line().splitlines()) == 1
    assert query(settings, "select file_name, reason from raw._loads where outcome = 'quarantined'") == [
        (printed, outcome.reason)]
    [moved] = settings.quarantine_dir.rglob("unsafe-name.csv")
    assert moved.with_name(moved.name + ".reason.txt").read_text().count("\n") == 1
    assert snapshot(settings) == before


def test_a_header_only_snapshot_becomes_the_current_empty_batch(tmp_path, settings):
    landing = tmp_path / "landing"
    path = write(landing, "case_system", "ssd_person.csv", persons(3))
    ingest(landing, settings)
    path.write_text(PERSON)
    report = ingest(landing, settings)
    assert [(f.outcome, f.rows) for f in report.files if f.file_name == "ssd_person.csv"] == [("loaded", 0)]
    current = current_rows_sql("case_system__ssd_person")  # dbt's `current_rows`, as staging calls it
    assert query(settings, f"select count(*) from {current}") == [(0,)]
    path.write_text(persons(2))  # a later full snapshot is current again
    ingest(landing, settings)
    assert query(settings, f"select count(*) from {current}") == [(2,)]


def test_staging_is_empty_after_a_header_only_snapshot(tmp_path, settings):
    """dbt itself (one staging model, in a separate process as `csw build` runs it) on the same warehouse."""
    landing = tmp_path / "landing"
    path = write(landing, "case_system", "ssd_person.csv", persons(3))
    ingest(landing, settings)
    path.write_text(PERSON)
    ingest(landing, settings)
    code = ("import sys; from datetime import date; from csw.dbt import run_dbt; from foundation.settings import get_settings; "
            "r = run_dbt('run', get_settings(), date(2025, 3, 31), ['--select', '+stg_case_system__persons']); "
            "sys.exit(0 if r.success else r.failures)")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=600)
    assert query(settings, "select count(*) from staging.stg_case_system__persons") == [(0,)]


def test_a_snapshot_much_smaller_than_the_last_one_warns(tmp_path, settings, capsys):
    landing = tmp_path / "landing"
    path = write(landing, "case_system", "ssd_person.csv", persons(10))
    assert outcome_of(ingest(landing, settings), "ssd_person.csv").warning == ""
    path.write_text(persons(6))  # 60 %: no warning
    assert outcome_of(ingest(landing, settings), "ssd_person.csv").warning == ""
    path.write_text(persons(2))  # 33 % of 6
    outcome = outcome_of(ingest(landing, settings), "ssd_person.csv")
    expected = "snapshot has 2 rows, 33% of the 6 of the previous file (ssd_person.csv): check the extract is complete"
    assert (outcome.outcome, outcome.rows, outcome.warning) == ("loaded", 2, expected)
    assert expected in outcome.line()
    path.write_text(persons(1))  # exactly 50 % of 2: no warning
    assert outcome_of(ingest(landing, settings), "ssd_person.csv").warning == ""
    path.write_text(PERSON)  # header only: 0 % of 1, shown by `csw ingest` in its table and summary
    assert main(["ingest", "--landing", str(landing)]) == 0
    out = capsys.readouterr().out
    assert "warning: snapshot has 0 rows, 0% of the 1 of the previous file (ssd_person.csv)" in out
    assert "quarantined: 0; 1 loaded with a warning (see the reason column)" in out
    assert query(settings, "select row_count, warning is not null from raw._loads where outcome = 'loaded' "
                           "order by batch_id") == [(10, False), (6, False), (2, True), (1, False), (0, True)]


def test_an_incremental_file_never_warns_for_being_small(tmp_path, settings):
    landing = tmp_path / "landing"
    write(landing, "health", "health_assessments_20240601.csv",
          HEALTH + "".join(f"H{i},P1,IHA,2024-05-01,2024-05-29,,DNA\n" for i in range(10)))
    write(landing, "health", "health_assessments_20240701.csv", HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,,DNA\n")
    assert {f.warning for f in ingest(landing, settings).files} == {""}


@pytest.fixture
def duckdb_only(settings):
    if settings.target == "postgres":
        pytest.skip("the warehouse lock is DuckDB's (Postgres serves many connections)")
    return settings


def _hold(path: Path, seconds: float | None) -> subprocess.Popen:
    """A second process holding the warehouse file, for `seconds` or until its stdin closes."""
    code = ("import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "time.sleep(float(sys.argv[2])) if sys.argv[2] else sys.stdin.readline(); con.close(); "
            "print('released', flush=True); sys.stdin.readline()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path), "" if seconds is None else str(seconds)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def _release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=30)


def test_a_busy_warehouse_is_waited_for_then_refused_naming_the_holder(duckdb_only, monkeypatch, capsys):
    connect(duckdb_only).close()
    holder = _hold(duckdb_only.warehouse, None)
    try:
        monkeypatch.setenv("CSW_LOCK_WAIT_SECONDS", "1")
        started = time.monotonic()
        with pytest.raises(WarehouseBusy, match=rf"is busy: held by PID {holder.pid} .*CSW_LOCK_WAIT_SECONDS"):
            connect(get_settings())
        assert 1 <= time.monotonic() - started < 10
        err = capsys.readouterr().err
        assert err.count(f"the warehouse is busy (held by PID {holder.pid}), retrying for up to 1 s") == 1
    finally:
        _release(holder)


def test_csw_ingest_on_a_busy_warehouse_says_who_holds_it_in_one_line(duckdb_only, tmp_path, monkeypatch, capsys):
    connect(duckdb_only).close()
    write(tmp_path / "landing", "case_system", "ssd_person.csv", persons(1))
    holder = _hold(duckdb_only.warehouse, None)
    try:
        monkeypatch.setenv("CSW_LOCK_WAIT_SECONDS", "1")
        assert main(["ingest", "--landing", str(tmp_path / "landing")]) == 1
        err = capsys.readouterr().err.splitlines()
        assert err == [f"csw: the warehouse is busy (held by PID {holder.pid}), retrying for up to 1 s",
                       f"csw: the warehouse {duckdb_only.warehouse} is busy: held by PID {holder.pid} "
                       f"({err[1].split('(', 1)[1].split(')')[0]}) for more than 1 s (CSW_LOCK_WAIT_SECONDS); "
                       "run again when that process has finished"]
        assert "IO Error" not in "\n".join(err)
    finally:
        _release(holder)


def test_a_busy_warehouse_opens_once_the_holder_lets_go(duckdb_only, monkeypatch, capsys):
    connect(duckdb_only).close()
    holder = _hold(duckdb_only.warehouse, 1.5)
    try:
        monkeypatch.setenv("CSW_LOCK_WAIT_SECONDS", "60")
        con = connect(get_settings())
        assert not is_postgres(con) and con.execute("select 1").fetchall() == [(1,)]
        con.close()
        assert f"the warehouse is busy (held by PID {holder.pid}), retrying" in capsys.readouterr().err
    finally:
        _release(holder)


def test_a_current_snapshot_cut_short_is_named_by_a_warning_check_before_the_gate(tmp_path, settings):
    """A snapshot cut at a line boundary parses as a valid file: the loader's shrink warning is what catches it,
    and the `loads` suite names the file (a warning: the gate does not block on it, the team sees it)."""
    from expectations.cross_checks import SHRUNKEN_SNAPSHOTS, evaluate

    landing = tmp_path / "landing"
    path = write(landing, "case_system", "ssd_person.csv", persons(10))
    ingest(landing, settings)
    path.write_text(persons(3))  # the same extract cut after its third row
    ingest(landing, settings)
    con = connect(settings)
    try:
        [result] = evaluate(con, (SHRUNKEN_SNAPSHOTS,))
        assert (result.failing_rows, result.sample_keys, SHRUNKEN_SNAPSHOTS.severity) == (1, ["ssd_person.csv"], "warning")
    finally:
        con.close()
    path.write_text(persons(10))  # the whole extract resent: the current snapshot is whole again
    ingest(landing, settings)
    con = connect(settings)
    try:
        assert evaluate(con, (SHRUNKEN_SNAPSHOTS,))[0].failing_rows == 0
    finally:
        con.close()


def test_an_earlier_snapshot_sent_again_becomes_current_and_the_current_one_is_a_no_op(tmp_path, settings):
    landing = tmp_path / "landing"
    path = write(landing, "case_system", "ssd_person.csv", persons(10))
    ingest(landing, settings)
    assert outcome_of(ingest(landing, settings), "ssd_person.csv").outcome == "duplicate"  # re-run: nothing new
    path.write_text(persons(3))
    assert outcome_of(ingest(landing, settings), "ssd_person.csv").outcome == "loaded"
    path.write_text(persons(10))  # yesterday's whole extract again: it is the current snapshot once more
    assert outcome_of(ingest(landing, settings), "ssd_person.csv").outcome == "loaded"
    assert query(settings, f"select count(*) from {current_rows_sql('case_system__ssd_person')}") == [(10,)]
    assert outcome_of(ingest(landing, settings), "ssd_person.csv").outcome == "duplicate"


def test_dated_snapshots_already_loaded_stay_loaded_on_a_re_run(tmp_path, settings):
    """Two monthly workforce snapshots in landing: a re-run loads neither again (the older one does not
    become current again because another file is newer)."""
    landing = tmp_path / "landing"
    header = ("snapshot_date,team_id,team_name,establishment_fte,filled_fte,agency_fte,vacancy_fte,"
              "leavers_fte_in_month,sickness_days_in_month\n")
    for day in ("20250131", "20250228"):
        write(landing, "workforce", f"workforce_{day}.csv", header + f"{day[:4]}-{day[4:6]}-{day[6:]},T1,Team,5,4,1,1,0,2\n")
    assert [f.outcome for f in ingest(landing, settings).files] == ["loaded", "loaded"]
    assert [f.outcome for f in ingest(landing, settings).files] == ["duplicate", "duplicate"]
