"""Commentary lines (exports/reports/commentary.py, `csw commentary set`): appended with who and when, the
newest one first; refused with the reason for an unknown indicator, a label that is not a quarter, an empty
text or author."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from exports.errors import ExportRefused
from exports.reports.commentary import history, set_line
from csw.cli import main


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.dim_indicators (indicator_id varchar)")
    con.execute("insert into marts.dim_indicators values ('REREF_12M_PCT'), ('CLA_LTS_PCT')")
    yield con
    con.close()


def test_lines_are_kept_with_their_history_newest_first(con):
    set_line(con, "REREF_12M_PCT", "2024-25Q4", "first", by="Ann", la_code="841", at=datetime(2025, 4, 10, 9))
    set_line(con, "reref_12m_pct", " 2024-25Q4 ", "  second  ", by=" Bea ", la_code="841",
             at=datetime(2025, 4, 11, 9))
    set_line(con, "CLA_LTS_PCT", "2024-25Q3", "other", by="Ann", la_code="841", at=datetime(2025, 1, 5, 9))
    lines = history(con, "REREF_12M_PCT", "2024-25Q4")
    assert [(x.commentary, x.written_by) for x in lines] == [("second", "Bea"), ("first", "Ann")]
    assert [x.indicator_id for x in history(con)] == ["REREF_12M_PCT", "REREF_12M_PCT", "CLA_LTS_PCT"]


@pytest.mark.parametrize(("indicator", "period", "text", "by", "reason"), [
    ("NOPE", "2024-25Q4", "x", "Ann", "NOPE is not an indicator of the catalogue"),
    ("CLA_LTS_PCT", "2024-25Q5", "x", "Ann", "is not a financial quarter label"),
    ("CLA_LTS_PCT", "2024-26Q1", "x", "Ann", "26 does not follow 2024"),
    ("CLA_LTS_PCT", "2024-25Q4", "  ", "Ann", "the text is empty"),
    ("CLA_LTS_PCT", "2024-25Q4", "x" * 2001, "Ann", "2001 characters, at most 2000"),
    ("CLA_LTS_PCT", "2024-25Q4", "x", " ", "say who wrote it"),
], ids=["unknown-indicator", "not-a-quarter", "years-not-consecutive", "empty-text", "too-long", "no-author"])
def test_refused_with_the_reason(con, indicator, period, text, by, reason):
    with pytest.raises(ExportRefused, match=reason):
        set_line(con, indicator, period, text, by=by, la_code="841")
    assert history(con) == []


def test_each_authority_has_its_own_lines_and_an_older_tables_lines_are_the_home_authoritys(con):
    """A table from before lines had an authority: its lines are CSW_LA_CODE's (841) once the column is added by
    the next line written, whichever authority writes it."""
    con.execute("create schema reporting")
    con.execute("create table reporting.commentary (indicator_id varchar(64), period_label varchar(16), "
                "commentary varchar(2000), written_by varchar(200), written_at timestamp)")
    con.execute("insert into reporting.commentary values ('REREF_12M_PCT', '2024-25Q4', 'old', 'Ann', "
                "'2025-04-01 09:00')")
    assert [(x.commentary, x.la_code) for x in history(con, home="841")] == [("old", "841")]  # read as it is
    set_line(con, "REREF_12M_PCT", "2024-25Q4", "Durham's", by="Cy", la_code="840", home="841",
             at=datetime(2025, 4, 2, 9))
    assert con.execute("select commentary, la_code from reporting.commentary order by written_at").fetchall() == [
        ("old", "841"), ("Durham's", "840")]
    assert [x.commentary for x in history(con, "REREF_12M_PCT", "2024-25Q4", la_code="840")] == ["Durham's"]
    assert [x.commentary for x in history(con, la_code="841")] == ["old"]


def test_cli_refuses_in_one_line_before_the_warehouse_is_built(settings, capsys):
    assert main(["commentary", "set", "REREF_12M_PCT", "2024-25Q4", "text", "--by", "Ann"]) == 1
    assert capsys.readouterr().err.strip() == (
        "csw: commentary: the warehouse has no marts.dim_indicators yet: run `csw build` first")
