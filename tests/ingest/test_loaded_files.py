"""`load.LoadedFiles`: a load of many files on DuckDB reads `raw._loads` once and learns its own files as each
commits. What it answers must be what asking `raw._loads` would answer, within one load as across loads: bytes
sent twice in one load load once, a file rolled back is not known as loaded, and a snapshot that shrinks between
two files of one load warns."""

from __future__ import annotations

from contextlib import contextmanager

from foundation.warehouse import connect
from ingest.core import load as load_module
from ingest.core.load import HeldLoadedFiles, LoadedFiles
from tests.ingest.test_annex_a_workbook import authority_workbook, save
from tests.ingest.test_bad_files import HEALTH, ingest, write

WORKFORCE = ("snapshot_date,team_id,team_name,establishment_fte,filled_fte,agency_fte,vacancy_fte,"
             "leavers_fte_in_month,sickness_days_in_month\n")


def _teams(day: str, n: int) -> str:
    return WORKFORCE + "".join(f"{day},T{i},Team {i},5,4,1,1,0,2\n" for i in range(1, n + 1))


def test_the_same_bytes_twice_in_one_load_load_once(tmp_path, settings):
    landing = tmp_path / "landing"
    body = HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,,DNA\n"
    write(landing, "health", "health_assessments_20240601.csv", body)
    write(landing, "health", "health_assessments_20240602.csv", body)
    first, second = ingest(landing, settings).files
    assert (first.outcome, second.outcome) == ("loaded", "duplicate")
    assert second.reason == "same bytes as health_assessments_20240601.csv, already loaded"


def test_a_file_rolled_back_is_not_known_as_loaded_to_the_next_file_of_the_load(tmp_path, settings, monkeypatch):
    add_keys = load_module.pseudonymise.add_keys
    calls = []

    def fails_once(con, secret, la_code, person_ids, known=None):
        calls.append(la_code)
        if len(calls) == 1:
            raise OSError("disk full")
        return add_keys(con, secret, la_code, person_ids, known=known)

    monkeypatch.setattr(load_module.pseudonymise, "add_keys", fails_once)
    landing = tmp_path / "landing"
    body = HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,,DNA\n"
    write(landing, "health", "health_assessments_20240601.csv", body)
    write(landing, "health", "health_assessments_20240602.csv", body)
    first, second = ingest(landing, settings).files
    assert (first.outcome, second.outcome) == ("quarantined", "loaded")  # not "same bytes as" a file rolled back
    assert first.reason.endswith("nothing of it was written")


def test_the_bytes_of_a_file_whose_commit_failed_load_later_in_the_same_load(tmp_path, settings, monkeypatch):
    """The first file fails as its transaction ends, its rows and `raw._loads` row written: what it added to the
    load's `LoadedFiles` goes with it, so the same bytes two files later load, after another file committed."""
    real = load_module.transaction
    ended = []

    @contextmanager
    def first_commit_fails(con):
        with real(con):
            yield con
            ended.append(con)
            if len(ended) == 1:
                raise OSError("no space left on device")

    monkeypatch.setattr(load_module, "transaction", first_commit_fails)
    landing = tmp_path / "landing"
    same = HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,,DNA\n"
    write(landing, "health", "health_assessments_20240601.csv", same)
    write(landing, "health", "health_assessments_20240602.csv", HEALTH + "H2,P2,IHA,2024-05-01,2024-05-29,,DNA\n")
    write(landing, "health", "health_assessments_20240603.csv", same)
    assert [f.outcome for f in ingest(landing, settings).files] == ["quarantined", "loaded", "loaded"]


def test_the_same_workbook_twice_in_one_load_loads_once(tmp_path, settings):
    landing = tmp_path / "landing"
    data = save(authority_workbook(), landing, "annex_a.xlsx")
    (landing / "annex_a" / "annex_a_copy.xlsx").write_bytes(data)
    first, second = ingest(landing, settings).files
    assert (first.outcome, second.outcome) == ("loaded", "duplicate")
    assert second.reason == "same bytes as annex_a.xlsx, already loaded"


def test_a_snapshot_that_shrinks_between_two_files_of_one_load_warns(tmp_path, settings):
    landing = tmp_path / "landing"
    write(landing, "workforce", "workforce_20250131.csv", _teams("2025-01-31", 10))
    write(landing, "workforce", "workforce_20250228.csv", _teams("2025-02-28", 3))
    first, second = ingest(landing, settings).files
    assert (first.outcome, first.warning) == ("loaded", "")
    assert second.warning == ("snapshot has 3 rows, 30% of the 10 of the previous file (workforce_20250131.csv): "
                              "check the extract is complete")


def test_read_once_it_answers_as_raw_loads_does(tmp_path, settings):
    """After loads of several feeds (a snapshot sent three times, bytes sent twice), every question the loader
    asks gets the same answer from the rows read once as from `raw._loads`; a file's rows count only once its
    transaction commits."""
    landing = tmp_path / "landing"
    body = HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,,DNA\n"
    write(landing, "health", "health_assessments_20240601.csv", body)
    snapshot = write(landing, "workforce", "workforce_20250131.csv", _teams("2025-01-31", 4))
    ingest(landing, settings)
    snapshot.write_text(_teams("2025-01-31", 2))
    write(landing, "health", "health_assessments_20240602.csv", body)
    ingest(landing, settings)
    snapshot.write_text(_teams("2025-01-31", 4))  # the first bytes again: current once more
    ingest(landing, settings)
    con = connect(settings)
    try:
        rows = con.execute("select la_code, sha256, table_name from raw._loads where outcome = 'loaded'").fetchall()
        assert len(rows) == 4
        read, asked = LoadedFiles.of(con, [settings.la_code]), LoadedFiles(con)
        assert type(read) is HeldLoadedFiles and type(asked) is LoadedFiles  # DuckDB: read once; else asked
        unknown = [(settings.la_code, "0" * 64, "health__assessments"), ("999", rows[0][1], rows[0][2])]
        for la_code, sha, table in rows + unknown:
            assert read.earlier(la_code, sha) == asked.earlier(la_code, sha)
            assert read.newest(table, la_code) == asked.newest(table, la_code)
        assert read.pairs() == asked.pairs() == {(la_code, sha) for la_code, sha, _ in rows}
        assert read.newest("workforce__team_snapshots", settings.la_code)[2] == 4
        assert read.earlier(settings.la_code, rows[0][1]) is not None

        read.add(settings.la_code, "f" * 64, "later.csv", "health__assessments", 7)
        assert read.earlier(settings.la_code, "f" * 64) is None  # not before its transaction commits
        read.discard()
        read.commit()
        assert read.earlier(settings.la_code, "f" * 64) is None  # discarded with its rolled-back transaction
        read.add(settings.la_code, "f" * 64, "later.csv", "health__assessments", 7)
        read.commit()
        assert read.earlier(settings.la_code, "f" * 64) == "later.csv"
        assert read.newest("health__assessments", settings.la_code) == ("later.csv", "f" * 64, 7)
    finally:
        con.close()


def test_only_the_authorities_of_the_load_are_read(tmp_path, settings):
    landing = tmp_path / "landing"
    write(landing, "health", "health_assessments_20240601.csv", HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,,DNA\n")
    ingest(landing, settings)
    con = connect(settings)
    try:
        assert LoadedFiles.of(con, ["999"]).pairs() == frozenset()
        assert len(LoadedFiles.of(con, [settings.la_code]).pairs()) == 1
    finally:
        con.close()
