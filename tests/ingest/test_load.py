"""Loading the case_system feed: contract checks, quarantine with a one-line reason, idempotency.

Every bad-file test loads a good snapshot first and asserts it is unchanged afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foundation.warehouse import connect
from ingest.core.load import load_landing

PERSON_HEADER = "pers_person_id,pers_sex,pers_dob,pers_ethnicity\n"
REFERRAL_HEADER = (
    "cine_referral_id,cine_person_id,cine_referral_date,cine_cin_primary_need_code,cine_referral_source_code,"
    "cine_referral_nfa,cine_close_reason,cine_close_date\n"
)
GOOD_REFERRALS = REFERRAL_HEADER + "R1,P1,2024-05-01,N1,6,N,,\nR2,P2,02/05/2024,N4,3A,Y,RC1,2024-06-01\n"


def write(landing: Path, name: str, content: str | bytes, feed: str = "case_system") -> Path:
    path = landing / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def snapshot(settings) -> dict[str, list[tuple]]:
    """Everything a bad file must not change: the raw tables' rows, the audit table and the child keys."""
    con = connect(settings, read_only=True)
    try:
        tables = {
            table: con.execute(f"select * from raw.{table} order by _batch_id, _row_number").fetchall()
            for table in ("case_system__ssd_cin_episodes", "case_system__ssd_person")
        }
        tables["_child_keys"] = con.execute("select * from raw._child_keys order by person_id").fetchall()
        tables["_loads/loaded"] = con.execute("select * from raw._loads where outcome = 'loaded' order by batch_id").fetchall()
        return tables
    finally:
        con.close()


def ingest(landing: Path, settings):
    con = connect(settings)
    try:
        return load_landing(con, landing, settings)
    finally:
        con.close()


@pytest.fixture
def loaded(tmp_path, settings):
    """A landing folder with a good referrals file and persons file, already loaded."""
    landing = tmp_path / "landing"
    write(landing, "ssd_cin_episodes.csv", GOOD_REFERRALS)
    write(landing, "ssd_person.csv", PERSON_HEADER + "P1,M,2015-03-01,WBRI\nP2,F,2012-07-19,WBRI\n")
    report = ingest(landing, settings)
    assert report.count("loaded") == 2
    return landing, snapshot(settings)


def assert_quarantined(report, settings, file_name: str, reason_fragment: str) -> None:
    [outcome] = [f for f in report.files if f.file_name == file_name]
    assert outcome.outcome == "quarantined"
    assert reason_fragment in outcome.reason
    assert "\n" not in outcome.reason
    assert outcome.reason.startswith(file_name)
    moved = list(settings.quarantine_dir.rglob(file_name))
    assert len(moved) == 1
    assert reason_fragment in moved[0].with_name(file_name + ".reason.txt").read_text()


def test_good_file_loads_typed_rows_with_lineage(loaded, settings):
    con = connect(settings, read_only=True)
    rows = con.execute(
        "select cine_referral_id, cine_referral_date, _source_file, _row_number from raw.case_system__ssd_cin_episodes "
        "order by _row_number"
    ).fetchall()
    assert [(r[0], r[1].isoformat(), r[2], r[3]) for r in rows] == [
        ("R1", "2024-05-01", "ssd_cin_episodes.csv", 1),
        ("R2", "2024-05-02", "ssd_cin_episodes.csv", 2),  # DD/MM/YYYY parsed
    ]
    audit = con.execute("select file_name, outcome, row_count, length(sha256) from raw._loads order by file_name").fetchall()
    assert audit == [("ssd_cin_episodes.csv", "loaded", 2, 64), ("ssd_person.csv", "loaded", 2, 64)]


def test_missing_required_column_is_quarantined(loaded, settings):
    landing, before = loaded
    header = REFERRAL_HEADER.replace("cine_referral_date,", "")
    write(landing, "ssd_cin_episodes.csv", header + "R3,P1,N1,6,N,,\n")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "ssd_cin_episodes.csv", "row 0 (header): missing required column cine_referral_date")
    assert snapshot(settings) == before


def test_duplicate_key_is_quarantined(loaded, settings):
    landing, before = loaded
    write(landing, "ssd_cin_episodes.csv", REFERRAL_HEADER + "R1,P1,2024-05-01,N1,6,N,,\nR9,P1,2024-05-03,N1,6,N,,\nR1,P2,2024-05-02,N1,6,N,,\n")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "ssd_cin_episodes.csv", "rows 1 and 3, column cine_referral_id: duplicate key cine_referral_id=R1")
    assert snapshot(settings) == before


def test_unparseable_required_date_is_quarantined(loaded, settings):
    landing, before = loaded
    write(landing, "ssd_cin_episodes.csv", REFERRAL_HEADER + "R1,P1,2024-05-01,N1,6,N,,\nR2,P2,31/02/2024,N1,6,N,,\n")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "ssd_cin_episodes.csv", "row 2, column cine_referral_date: unparseable date '31/02/2024'")
    assert snapshot(settings) == before


def test_blank_required_value_is_quarantined(loaded, settings):
    landing, before = loaded
    write(landing, "ssd_cin_episodes.csv", REFERRAL_HEADER + "R1,,2024-05-01,N1,6,N,,\n")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "ssd_cin_episodes.csv", "row 1, column cine_person_id: required value is blank")
    assert snapshot(settings) == before


def test_non_utf8_file_is_quarantined(loaded, settings):
    landing, before = loaded
    content = (REFERRAL_HEADER + "R1,P1,2024-05-01,N1,6,N,,\nR2,P2,2024-05-02,N1,6,N,Caf\xe9,\n").encode("latin-1")
    write(landing, "ssd_cin_episodes.csv", content)
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "ssd_cin_episodes.csv", "not UTF-8: byte 0xE9 on line 3")
    assert snapshot(settings) == before


def test_exact_duplicate_file_is_a_no_op(loaded, settings):
    landing, before = loaded
    con = connect(settings, read_only=True)
    audit_before = con.execute("select * from raw._loads order by batch_id").fetchall()
    con.close()
    (landing / "case_system" / "copy_of_referrals").mkdir()  # folders are not files: ignored
    report = ingest(landing, settings)
    assert {f.outcome for f in report.files} == {"duplicate"}
    assert all("already loaded" in f.reason for f in report.files)
    assert snapshot(settings) == before
    con = connect(settings, read_only=True)
    assert con.execute("select * from raw._loads order by batch_id").fetchall() == audit_before
    assert not settings.quarantine_dir.exists()


def test_new_snapshot_replaces_current_and_keeps_the_old_batch(loaded, settings):
    landing, _ = loaded
    write(landing, "ssd_cin_episodes.csv", REFERRAL_HEADER + "R7,P1,2024-07-01,N1,6,N,,\n")
    report = ingest(landing, settings)
    assert [f.outcome for f in report.files if f.file_name == "ssd_cin_episodes.csv"] == ["loaded"]
    con = connect(settings, read_only=True)
    current = con.execute(
        "select cine_referral_id from raw.case_system__ssd_cin_episodes "
        "where _batch_id = (select max(_batch_id) from raw.case_system__ssd_cin_episodes)"
    ).fetchall()
    assert current == [("R7",)]
    assert con.execute("select count(distinct _batch_id) from raw.case_system__ssd_cin_episodes").fetchall() == [(2,)]


def test_truncated_last_line_is_quarantined(loaded, settings):
    landing, before = loaded
    write(landing, "ssd_cin_episodes.csv", REFERRAL_HEADER + "R1,P1,2024-05-01,N1,6,N,,\nR2,P2,2024-05")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "ssd_cin_episodes.csv", "row 2: 3 fields where the header has 8 (truncated last line?)")
    assert snapshot(settings) == before


def test_wrong_delimiter_and_unknown_file_are_quarantined(loaded, settings):
    landing, before = loaded
    write(landing, "ssd_cin_episodes.csv", REFERRAL_HEADER.replace(",", ";") + "R1;P1;2024-05-01;N1;6;N;;\n")
    write(landing, "ssd_unknown_object.csv", "a,b\n1,2\n")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "ssd_cin_episodes.csv", "wrong delimiter: the header is separated by ';'")
    assert_quarantined(report, settings, "ssd_unknown_object.csv", "no case_system contract matches this file name")
    assert snapshot(settings) == before


def test_person_ids_are_keyed_with_hmac(loaded, settings):
    import hashlib
    import hmac

    con = connect(settings, read_only=True)
    keys = dict(con.execute("select person_id, child_key from raw._child_keys").fetchall())
    expected = hmac.new(settings.pseudonymisation_secret.encode(), b"841:P1", hashlib.sha256).hexdigest()
    assert keys["P1"] == expected
    assert set(keys) == {"P1", "P2"}


def test_a_large_file_reports_each_phase_and_a_small_one_stays_one_line(tmp_path, settings, monkeypatch):
    from ingest.core import load

    landing = tmp_path / "landing"
    write(landing, "ssd_cin_episodes.csv", GOOD_REFERRALS)
    write(landing, "ssd_person.csv", PERSON_HEADER + "".join(f"P{i},M,2015-03-01,WBRI\n" for i in range(1, 41)))
    size = (landing / "case_system" / "ssd_person.csv").stat().st_size
    assert size > (landing / "case_system" / "ssd_cin_episodes.csv").stat().st_size
    monkeypatch.setattr(load, "LARGE_FILE_BYTES", size)  # ssd_person is "large", the referrals file is not
    lines: list[str] = []
    con = connect(settings)
    try:
        load_landing(con, landing, settings, progress=lines.append)
    finally:
        con.close()
    person = [line for line in lines if "ssd_person.csv" in line]
    assert [line.split(": ", 1)[1].rsplit(" (", 1)[0] for line in person[:-1]] == [
        "reading 0 MB", "40 rows parsed and checked", "40 rows written to raw.case_system__ssd_person", "child keys added"]
    assert all(line.startswith("  case_system/ssd_person.csv: ") and line.endswith(" s)") for line in person[:-1])
    assert person[-1] == "loaded      case_system/ssd_person.csv: 40 rows"
    assert [line for line in lines if "ssd_cin_episodes" in line] == ["loaded      case_system/ssd_cin_episodes.csv: 2 rows"]


def load_failing_the_first(monkeypatch, landing: Path, settings, files: tuple[str, str], query: str) -> list[tuple]:
    """Load `landing`'s two `files` with the first one's audit row failing (the last thing its transaction writes:
    the file is rolled back and refused) and the second loaded; returns the rows of `query` after."""
    from ingest.core import load

    record = load._record

    def failing(con, **row):
        if row["file_name"] == files[0] and row["outcome"] == "loaded":
            raise RuntimeError("disk full")
        record(con, **row)

    monkeypatch.setattr(load, "_record", failing)
    report = ingest(landing, settings)
    assert [(f.file_name, f.outcome) for f in report.files] == [(files[0], "quarantined"), (files[1], "loaded")]
    con = connect(settings, read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_a_file_rolled_back_after_keying_leaves_its_ids_for_the_next_file_to_key(tmp_path, settings, monkeypatch):
    """The load remembers ids it has keyed only once their file commits: a file that keys P9 and then fails (its
    transaction rolled back, the key with it) leaves P9 for the next file of the same load to key."""
    landing = tmp_path / "landing"
    write(landing, "ssd_cin_episodes.csv", REFERRAL_HEADER + "R9,P9,2024-05-01,N1,6,N,,\n")
    write(landing, "ssd_person.csv", PERSON_HEADER + "P9,M,2015-03-01,WBRI\n")
    rows = load_failing_the_first(monkeypatch, landing, settings, ("ssd_cin_episodes.csv", "ssd_person.csv"),
                                  "select la_code, person_id from raw._child_keys")
    assert rows == [("841", "P9")]


def test_dates_are_parsed_once_per_distinct_text_and_laid_back_by_row():
    """Repeated texts, both formats, a time part and blanks give each row its own date (NaT for a blank), and the
    first bad row is named even when its text repeats later and another bad text comes after it."""
    from datetime import date

    import pandas as pd

    from ingest.core.read import ContractError, parse_dates

    values = pd.Series(["2024-05-01", "01/05/2024", None, "2024-05-01T09:30", "02/05/2024", "2024-05-01"], dtype="str")
    may_1, may_2 = date(2024, 5, 1), date(2024, 5, 2)
    parsed = parse_dates("f.csv", "d", values)
    assert parsed.dtype.kind == "M"  # datetime64: DuckDB reads it without a Python object per row
    assert [None if pd.isna(d) else d.date() for d in parsed] == [may_1, may_1, None, may_1, may_2, may_1]
    assert (parsed.dropna().dt.normalize() == parsed.dropna()).all()  # each at midnight: the time part dropped
    bad = pd.Series(["2024-05-01", "31/02/2024", None, "nope", "31/02/2024"], dtype="str")
    with pytest.raises(ContractError, match=r"^f\.csv: row 2, column d: unparseable date '31/02/2024'$"):
        parse_dates("f.csv", "d", bad)


def test_numbers_are_parsed_once_per_distinct_text_and_laid_back_by_row():
    """Whole numbers and decimals, repeated and blank, come back by row in their types (Int64, float64; thousands
    commas dropped from decimals), and the first bad row is named even when its text repeats later."""
    import pandas as pd

    from ingest.core.contract import Column
    from ingest.core.read import ContractError, _parse_numbers

    counts = pd.Series(["3", "12", None, "3", "1e3", "-0", "12"], dtype="str")
    parsed = _parse_numbers("f.csv", Column("n", "int"), counts)
    assert str(parsed.dtype) == "Int64"
    assert [None if pd.isna(n) else n for n in parsed] == [3, 12, None, 3, 1000, 0, 12]
    money = _parse_numbers("f.csv", Column("m", "decimal"), pd.Series(["1,234.5", None, "7", "1,234.5"], dtype="str"))
    assert str(money.dtype) == "float64" and money.fillna(-1).tolist() == [1234.5, -1, 7.0, 1234.5]
    for values, reason in ((["1", "2.5", "x", "2.5"], "row 2, column n: not a whole number '2.5'"),
                           (["1", None, "abc", "1", "abc"], "row 3, column n: not a whole number 'abc'")):
        with pytest.raises(ContractError, match=rf"^f\.csv: {reason}$"):
            _parse_numbers("f.csv", Column("n", "int"), pd.Series(values, dtype="str"))


def test_a_load_lets_the_write_ahead_log_grow_and_puts_duckdbs_setting_back(tmp_path, settings, monkeypatch):
    """`bulk_writes`: while the files load, DuckDB checkpoints at BULK_CHECKPOINT_THRESHOLD; after, as before; every
    file committed is in the warehouse when it is opened again. (On Postgres, which has no such setting, it does
    nothing: the files load the same.)"""
    import foundation.warehouse as warehouse

    postgres = settings.target == "postgres"
    setting = "select current_setting('server_version')" if postgres else \
        "select current_setting('checkpoint_threshold')"
    seen = []
    load_file = load_landing.__globals__["load_file"]

    def spying_load_file(con, *args, **kwargs):
        seen.append(con.execute(setting).fetchall()[0][0])
        return load_file(con, *args, **kwargs)

    monkeypatch.setitem(load_landing.__globals__, "load_file", spying_load_file)
    landing = tmp_path / "landing"
    write(landing, "ssd_cin_episodes.csv", GOOD_REFERRALS)
    write(landing, "ssd_person.csv", PERSON_HEADER + "P1,M,2015-03-01,WBRI\nP2,F,2012-07-19,WBRI\n")
    con = connect(settings)
    try:
        default = con.execute(setting).fetchall()[0][0]
        assert load_landing(con, landing, settings).count("loaded") == 2
        after = con.execute(setting).fetchall()[0][0]
    finally:
        con.close()
    if postgres:
        assert seen == [default] * 2 and after == default  # nothing set
    else:
        assert seen == ["512.0 MiB"] * 2 and warehouse.BULK_CHECKPOINT_THRESHOLD == "512MiB"
        assert after == default != "512.0 MiB"
    assert {table: len(rows) for table, rows in snapshot(settings).items()} == {
        "case_system__ssd_cin_episodes": 2, "case_system__ssd_person": 2, "_child_keys": 2, "_loads/loaded": 2}


HEALTH_HEADER = ("assessment_id,person_id,nhs_number,assessment_type,requested_date,due_date,completed_date,outcome,"
                 "provider")


def test_a_file_rolled_back_after_adding_a_column_leaves_it_for_the_next_file_to_add(tmp_path, settings, monkeypatch):
    """The load remembers a raw table's columns (and stops asking the warehouse for them) only once the file that
    added or found them commits: a file that adds an extra column and then fails (the column rolled back with it)
    leaves the column for the next file of the same table to add, and that file loads with its value."""
    landing = tmp_path / "landing"
    for day, row in (("20250330", "HA1,P1,,DENTAL,2025-03-01,,2025-03-20,COMPLETED,Trust,north"),
                     ("20250331", "HA2,P2,,DENTAL,2025-03-02,,2025-03-21,COMPLETED,Trust,south")):
        write(landing, f"health_assessments_{day}.csv", f"{HEALTH_HEADER},team\n{row}\n", feed="health")
    rows = load_failing_the_first(monkeypatch, landing, settings,
                                  ("health_assessments_20250330.csv", "health_assessments_20250331.csv"),
                                  "select assessment_id, team from raw.health__assessments")
    assert rows == [("HA2", "south")]

