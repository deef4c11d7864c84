"""Reading ahead (ingest/core/landed.py `ReadAhead`): a load whose files are read and typed in a reader process
ahead of the one being written gives exactly what a load reading each file itself gives — the same outcome and
reason for every file (bad, linked, sent twice, sent again), the same raw rows; a file that changes after the
reader read it is read again, in turn; and a reader that fails leaves the loader to read the rest itself."""

from __future__ import annotations

import dataclasses
import os
import shutil
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from foundation.warehouse import connect
from ingest.core import landed
from ingest.core.load import load_landing
from synthetic import generate


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory) -> Path:
    """A small demo landing (every feed) with files the loader refuses or skips planted among the good ones."""
    landing = tmp_path_factory.mktemp("read_ahead") / "landing"
    generate(landing, scale=0.03, defects="all")
    (landing / "health" / "health_assessments_20250101.csv").write_text("assessment_id,person_id\nA1\n")
    shutil.copy(landing / "case_system" / "ssd_person.csv", landing / "health" / "ssd_person_copy.csv")
    os.symlink(landing / "case_system" / "ssd_person.csv", landing / "partners" / "police_missing_20250102.csv")
    attendance = landing / "education" / "vs_attendance_20240331.csv"
    shutil.copy(attendance, attendance.with_name("vs_attendance_20240401.csv"))  # the same bytes twice in one load
    return landing


def _load(landing: Path, settings, tmp_path: Path, name: str):
    """A copy of `landing` loaded into a new warehouse: (each file's outcome line, every raw table's rows)."""
    copy = tmp_path / name / "landing"
    shutil.copytree(landing, copy, symlinks=True)
    mine = dataclasses.replace(settings, warehouse=tmp_path / name / "csw.duckdb",
                               quarantine_dir=tmp_path / name / "quarantine")
    con = connect(mine)
    try:
        report = load_landing(con, copy, mine, read_ahead=True)
        report_again = load_landing(con, copy, mine, read_ahead=True)  # sent again: duplicates, read by no one
        tables = [row[0] for row in con.execute("select table_name from information_schema.tables "
                                                "where table_schema = 'raw' order by 1").fetchall()]
        rows = {}
        for table in tables:
            columns = [c[0] for c in con.execute(f'select * from raw."{table}" limit 0').description]
            kept = ", ".join(f'"{c}"' for c in columns if c not in ("_loaded_at", "loaded_at"))
            rows[table] = con.execute(f'select {kept} from raw."{table}" order by all').fetchall()
    finally:
        con.close()
    lines = [f.line() for f in report.files] + [f.line() for f in report_again.files]
    return lines, rows


def test_reading_ahead_loads_exactly_what_reading_each_file_in_turn_loads(demo_landing, settings, tmp_path,
                                                                           monkeypatch):
    taken: list[landed.Prepared | None] = []
    get = landed.ReadAhead.get

    def get_once_started(self, index):  # the reader given time to start: every file is the reader's
        if self.started is not None:
            self.started.result()
        taken.append(get(self, index))
        return taken[-1]

    monkeypatch.setattr(landed.ReadAhead, "get", get_once_started)

    monkeypatch.setattr(landed, "READ_AHEAD_MIN_FILES", 10**9)
    alone = _load(demo_landing, settings, tmp_path, "alone")
    assert taken and not any(taken)  # no reader: the loader prepared every file itself
    taken.clear()
    monkeypatch.setattr(landed, "READ_AHEAD_MIN_FILES", 1)
    ahead = _load(demo_landing, settings, tmp_path, "ahead")

    assert all(taken)  # every file prepared by the reader: those of the second load duplicates, not read
    assert sum(p.frames is not None for p in taken) > 80
    assert any(p.failure and p.read_failed for p in taken if p)  # a bad file's reason came from the reader
    assert ahead == alone
    lines = "\n".join(ahead[0])
    assert "quarantined health/health_assessments_20250101.csv" in lines
    assert "quarantined partners/police_missing_20250102.csv: police_missing_20250102.csv: a symbolic link" in lines
    assert "duplicate   education/vs_attendance_20240401.csv: same bytes as vs_attendance_20240331.csv" in lines


class _BrokenPool:
    """A reader process that dies: every file asked of it fails as a broken pool does."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def submit(self, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_exception(BrokenProcessPool("a process in the process pool was terminated abruptly"))
        return future

    def shutdown(self, **kwargs) -> None:
        pass


def test_a_reader_that_fails_leaves_the_loader_to_read_the_rest(demo_landing, settings, tmp_path, monkeypatch,
                                                                capsys):
    monkeypatch.setattr(landed, "READ_AHEAD_MIN_FILES", 10**9)
    alone = _load(demo_landing, settings, tmp_path, "alone")
    monkeypatch.setattr(landed, "READ_AHEAD_MIN_FILES", 1)
    monkeypatch.setattr(landed, "ProcessPoolExecutor", _BrokenPool)
    assert _load(demo_landing, settings, tmp_path, "broken") == alone
    assert "csw: the reader process failed (BrokenProcessPool: a process in the process pool was terminated " \
           "abruptly); the files left are read one by one" in capsys.readouterr().err


def test_a_file_that_changes_after_the_reader_read_it_is_read_again_in_turn(demo_landing, settings, tmp_path,
                                                                          monkeypatch):
    """The bad health file is replaced by a good one, and a good education file by a link, after the reader read them
    and before the loader takes them: the loader loads the good file and refuses the link, as reading in turn."""
    monkeypatch.setattr(landed, "READ_AHEAD_MIN_FILES", 1)
    get = landed.ReadAhead.get
    changed = []

    def change_after_reading(self, index):
        if self.started is not None:
            self.started.result()
        prepared = get(self, index)
        path = self.files[index][0]
        if path.name in changed:  # the second load: what the first left
            return prepared
        if path.name == "health_assessments_20250101.csv":
            assert prepared.read_failed  # the reader read the bad file
            good = sorted(path.parent.glob("health_assessments_2*.csv"))[0]
            path.write_bytes(good.read_bytes().replace(b"\n", b"\r\n", 1))  # other bytes, the same rows
            changed.append(path.name)
        elif path.name == "vs_attendance_20240630.csv":
            assert prepared.frames is not None
            path.unlink()
            path.symlink_to(path.with_name("vs_attendance_20240331.csv"))
            changed.append(path.name)
        return prepared

    monkeypatch.setattr(landed.ReadAhead, "get", change_after_reading)
    lines, _ = _load(demo_landing, settings, tmp_path, "changed")
    assert sorted(changed) == ["health_assessments_20250101.csv", "vs_attendance_20240630.csv"]
    text = "\n".join(lines)
    assert "loaded      health/health_assessments_20250101.csv:" in text
    assert "quarantined education/vs_attendance_20240630.csv: vs_attendance_20240630.csv: a symbolic link" in text


class _PoolThatCannotStart:
    """A reader process that cannot be started (as inside a daemonic worker process): its first task refused."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def submit(self, *args, **kwargs) -> Future:
        raise AssertionError("daemonic processes are not allowed to have children")

    def shutdown(self, **kwargs) -> None:
        pass


@pytest.mark.parametrize("reader", ["reads", "none", "cannot start"])
def test_duckdb_leaves_the_reader_its_processor_while_the_files_load(demo_landing, settings, tmp_path, monkeypatch,
                                                                     capfd, reader):
    """With a reader process, the loader's DuckDB works on one thread fewer than it had (at least one) while the
    files load (`threads_beside`), and as before once the load ends; without one, or with one that could not
    start, as before throughout (every file loaded either way)."""
    if settings.target == "postgres":
        pytest.skip("DuckDB's threads: Postgres has no such setting")
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one processor: no reader process is started")
    monkeypatch.setattr(landed, "READ_AHEAD_MIN_FILES", 10**9 if reader == "none" else 1)
    if reader == "cannot start":
        monkeypatch.setattr(landed, "ProcessPoolExecutor", _PoolThatCannotStart)
    seen = []
    load_file = load_landing.__globals__["load_file"]

    def spying_load_file(con, *args, **kwargs):
        seen.append(con.execute("select current_setting('threads')").fetchall()[0][0])
        return load_file(con, *args, **kwargs)

    monkeypatch.setitem(load_landing.__globals__, "load_file", spying_load_file)
    copy = tmp_path / "landing"
    shutil.copytree(demo_landing / "case_system", copy / "case_system")
    mine = dataclasses.replace(settings, warehouse=tmp_path / "csw.duckdb", quarantine_dir=tmp_path / "quarantine")
    con = connect(mine)
    try:
        con.execute("set threads = 3")  # not the machine's own count: what the load must start from and put back
        report = load_landing(con, copy, mine, read_ahead=True)
        after = con.execute("select current_setting('threads')").fetchall()[0][0]
    finally:
        con.close()
    assert len(seen) > 20 and set(seen) == {2 if reader == "reads" else 3}
    assert after == 3
    assert report.count("loaded") == len(seen)
    assert ("reading ahead is off" in capfd.readouterr().err) == (reader == "cannot start")
