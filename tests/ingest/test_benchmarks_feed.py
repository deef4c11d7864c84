"""The benchmarks feed: another authority's return is read in our own CSV layout, `c` (suppressed) included;
a value that is neither a number nor `c` quarantines the file and leaves what was loaded unchanged."""

from __future__ import annotations

from foundation.warehouse import connect
from ingest.core.load import load_landing

HEADER = "la_code,period,indicator_id,numerator,denominator,value\n"


def ingest(landing, settings):
    con = connect(settings)
    try:
        return load_landing(con, landing, settings, feeds=["benchmarks"])
    finally:
        con.close()


def rows(settings, table):
    con = connect(settings, read_only=True)
    try:
        return con.execute(f"select * exclude (_loaded_at) from raw.{table} order by _batch_id, _row_number").fetchall()
    finally:
        con.close()


def write(landing, name, text):
    path = landing / "benchmarks" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_suppressed_values_load_as_the_marker_and_numbers_as_text(tmp_path, settings):
    landing = tmp_path / "landing"
    write(landing, "regional_return_805_2024-25Q4.csv", HEADER
          + "805,2024-25Q4,CPP_SECOND_PCT,,,c\n"
          + "805,2024-25Q4,CLA_STARTS,3,,C\n"
          + '805,2024-25Q4,CONT_COUNT,"1,234",,"1,234"\n'
          + "805,2024-25Q4,ASMT_45WD_PCT,80,100,80\n")
    write(landing, "published_regional_return.csv", "indicator_id,area_code,area_type,period,value\n"
          + "ASMT_45WD_PCT,E92000001,ENGLAND,2024-25Q4,82.5\nCPP_SECOND_PCT,805,LA,2024-25Q4,c\n")
    report = ingest(landing, settings)
    assert report.count("loaded") == 2, [f.reason for f in report.files]
    values = [(r[2], r[3], r[5]) for r in rows(settings, "benchmarks__regional_return")]
    assert values == [("CPP_SECOND_PCT", None, "c"), ("CLA_STARTS", 3.0, "c"), ("CONT_COUNT", 1234.0, "1234"),
                      ("ASMT_45WD_PCT", 80.0, "80")]
    assert [r[4] for r in rows(settings, "benchmarks__published")] == ["82.5", "c"]


def test_a_value_neither_number_nor_c_is_quarantined_naming_row_and_column(tmp_path, settings):
    landing = tmp_path / "landing"
    write(landing, "regional_return_805_2024-25Q3.csv", HEADER + "805,2024-25Q3,CLA_STARTS,5,,5\n")
    assert ingest(landing, settings).count("loaded") == 1
    before = rows(settings, "benchmarks__regional_return")

    write(landing, "regional_return_806_2024-25Q4.csv", HEADER
          + "806,2024-25Q4,CLA_STARTS,5,,5\n806,2024-25Q4,CLA_RATE,40,23000,x\n")
    report = ingest(landing, settings)
    [bad] = report.quarantined
    assert bad.file_name == "regional_return_806_2024-25Q4.csv"
    assert "row 2, column value" in bad.reason and "'x'" in bad.reason and "'c'" in bad.reason
    [moved] = (settings.quarantine_dir / "benchmarks").rglob("regional_return_806_2024-25Q4.csv")
    assert not (landing / "benchmarks" / moved.name).exists()
    assert rows(settings, "benchmarks__regional_return") == before
