"""The export gate on Postgres: dbt's hooks record builds in dq.builds (sequence, advisory lock), a check run
stores the state it found, and a later load or build makes that run stale (foundation/state.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from csw.dbt import run_dbt
from csw.pipeline import ingest
from foundation.state import checked_state, read_state, stale_reason
from foundation.warehouse import connect
from expectations.results import CheckResult, CheckRun
from expectations.store import write_run

AS_OF = date(2025, 3, 31)
STARTED = datetime(2030, 1, 1, 9, 0)
PERSONS = "pers_person_id,pers_sex,pers_dob,pers_ethnicity\nP1,M,2015-03-01,WBRI\n"


def _land(landing: Path, name: str, content: str) -> None:
    (landing / "case_system").mkdir(parents=True, exist_ok=True)
    (landing / "case_system" / name).write_text(content)


def _record_check(settings, run_id: str) -> None:
    """A passed check run as `csw check` stores it, with the state it found."""
    result = CheckResult(suite="raw_case_system__ssd_person", check_name="table_is_loaded", feed="case_system",
                         table_name="case_system__ssd_person", severity="blocking", status="passed",
                         observed_value="1 rows", failing_rows=0, failing_sample=None, message="ok", checked_at=STARTED)
    con = connect(settings)
    try:
        run = CheckRun.from_results(run_id, AS_OF, STARTED, STARTED, [result], state=read_state(con))
        write_run(con, run, [result])
    finally:
        con.close()


def _stale(settings, run_id: str) -> str | None:
    con = connect(settings)
    try:
        return stale_reason(checked_state(con, run_id, STARTED), read_state(con))
    finally:
        con.close()


def test_a_load_or_a_build_after_the_check_makes_it_stale_on_postgres(pg_settings, tmp_path):
    landing = tmp_path / "landing"
    _land(landing, "ssd_person.csv", PERSONS)
    assert ingest(landing, settings=pg_settings).count("loaded") == 1
    built = run_dbt("seed", pg_settings, AS_OF)
    assert built.success, built.failures
    con = connect(pg_settings)
    try:
        state = read_state(con)
    finally:
        con.close()
    assert (state.load.feed, state.load.file_name) == ("case_system", "ssd_person.csv")
    assert (state.build.command, state.build.as_of, state.build.status) == ("seed", AS_OF, "success")

    _record_check(pg_settings, "pg-run-1")
    assert _stale(pg_settings, "pg-run-1") is None

    _land(landing, "ssd_person.csv", PERSONS + "P2,F,2012-07-19,WBRI\n")
    assert ingest(landing, settings=pg_settings).count("loaded") == 1
    assert "newest load case_system/ssd_person.csv (batch 2) at " in _stale(pg_settings, "pg-run-1")

    _record_check(pg_settings, "pg-run-2")
    assert _stale(pg_settings, "pg-run-2") is None
    assert run_dbt("seed", pg_settings, AS_OF).success
    reason = _stale(pg_settings, "pg-run-2")
    assert f"newest build {state.build.build_id + 1} (dbt seed, as of 2025-03-31)" in reason and "finished" in reason
