"""Nothing raw leaves (issue 12, point 7): a value a check found in a feed, and the ids of its rows, stay in
`dq` for the performance team; the return's files and the email to the alliance carry check names and counts.

The data-quality run is a real one: the Great Expectations checks run on raw tables holding a hostile
code and a person id, and their `dq` rows gate the return.
"""

from __future__ import annotations

import html
import io
import zipfile
from datetime import date

import duckdb
import pytest
from openpyxl import load_workbook

from exports.regional import job
from expectations import run_checks
from ingest.contracts import all_tables
from tests.exports.conftest import LA, PERIOD, add_run, settings_now
from tests.expectations.conftest import (
    AS_OF, LOCAL_AUTHORITIES, PERSONS, POPULATION, REFERRALS, build_marts, create_raw_table, insert_rows,
)

HOSTILE_CODE = "+cmd|' /C calc'!A0"
PERSON_ID = "P0424242"
REFERRAL_ID = "R0424242"
RAW = (HOSTILE_CODE, "cmd|", "C calc", PERSON_ID, REFERRAL_ID)  # and pieces of the code, however quoted
CODE_LIST_CHECK = "expect_column_values_to_be_in_set(cine_cin_primary_need_code)"

pytestmark = pytest.mark.slow  # a real Great Expectations run: about half a minute


def checked_warehouse(path) -> None:
    """Raw tables with one hostile referral (its need code off the code list) and a real check run on them."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema raw")
        for table in all_tables():
            create_raw_table(con, table)
        person = {"pers_person_id": PERSON_ID, "pers_sex": "F", "pers_dob": date(2013, 1, 1), "pers_ethnicity": "WBRI"}
        insert_rows(con, "case_system__ssd_person", [*PERSONS, person])
        referral = dict(REFERRALS[0], cine_referral_id=REFERRAL_ID, cine_person_id=PERSON_ID,
                        cine_cin_primary_need_code=HOSTILE_CODE)
        insert_rows(con, "case_system__ssd_cin_episodes", [*REFERRALS, referral])
        insert_rows(con, "reference__population", POPULATION)
        insert_rows(con, "reference__local_authorities", LOCAL_AUTHORITIES)
        build_marts(con)
        run = run_checks(con, as_of=AS_OF)
        assert run.status == "PASSED"  # a code off the list is a warning: the return goes out
        [(observed, message)] = con.execute(
            "select observed_value, message from dq.check_results where check_name = ?", [CODE_LIST_CHECK]
        ).fetchall()
    finally:
        con.close()
    # The performance team's own record keeps the value and the row (unchanged by this issue).
    assert HOSTILE_CODE in observed and HOSTILE_CODE in message


def shared_texts(paths, message) -> dict[str, str]:
    """Every text that leaves: each file (the workbook's XML parts unzipped and unescaped) and the email
    (headers, body, and each attachment as decoded, the workbook unzipped again)."""
    texts: dict[str, str] = {}

    def add(name: str, data: bytes) -> None:
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    texts[f"{name}/{member}"] = html.unescape(archive.read(member).decode("utf-8"))
        else:
            texts[name] = data.decode("utf-8")

    for path in paths:
        add(path.name, path.read_bytes())
    texts["email"] = message.as_string()
    for number, part in enumerate(message.walk()):
        payload = part.get_payload(decode=True)
        if payload:
            add(f"email part {number} {part.get_filename() or part.get_content_type()}", payload)
    return texts


def test_no_value_from_a_feed_reaches_the_return_or_the_email(file_warehouse, smtp_server, tmp_path) -> None:
    checked_warehouse(tmp_path / "checks.duckdb")
    con = duckdb.connect(str(file_warehouse))
    try:
        con.execute(f"attach '{tmp_path / 'checks.duckdb'}' as checks (read_only)")
        [(run_id, started_at)] = con.execute("select run_id, started_at from checks.dq.runs").fetchall()
        columns = "run_id, suite, check_name, feed, table_name, severity, status, observed_value, failing_rows, " \
                  "failing_sample, message, checked_at"
        con.execute(f"insert into dq.check_results select {columns} from checks.dq.check_results")
        con.execute("detach checks")  # the run records this warehouse's state, not the attached one's
        add_run(con, run_id, started_at, "PASSED", [])  # newer than the fixture's runs: it gates the return
    finally:
        con.close()

    settings = settings_now()
    files = job.write(settings, PERIOD, tmp_path / "out", la_codes=[LA], progress=lambda _: None).by_authority[LA]
    assert job.deliver(settings, PERIOD, files.paths, progress=lambda _: None)
    [message] = smtp_server

    texts = shared_texts(files.paths, message)
    assert any(name.startswith(files.workbook.name + "/xl/") for name in texts)  # the workbook was unzipped
    assert sum(name.startswith("email part") for name in texts) >= 4  # body and three attachments decoded
    leaks = [(name, raw) for name, text in texts.items() for raw in RAW if raw in text]
    assert leaks == []

    # The check itself is shared, by name, with its counts.
    sheet = load_workbook(files.workbook)["Data quality"]
    [row] = [r for r in sheet.iter_rows(values_only=True) if r[1] == CODE_LIST_CHECK]
    assert row[5:] == ("failed", "1 of 4 rows", 1)
