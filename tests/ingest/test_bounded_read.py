"""Bounded reading (issue 12, point 3, and the NUL byte of point 9): a file is streamed, its header is parsed in
time linear in its length, a file over the column or line cap is quarantined as soon as the reader meets it, and
a NUL byte is refused with its row and column. Big inputs are generated in tmp_path, never committed."""

from __future__ import annotations

import hashlib
import re
import time

import pytest

from foundation.settings import get_settings
from ingest.core.read import ContractError, file_sha256, read_table
from ingest.health.schema import CONTRACT as HEALTH_FEED
from tests.ingest.test_bad_files import HEALTH, assert_quarantined, ingest, loaded, snapshot, write  # noqa: F401

NAME = "health_assessments_20240701.csv"
HEALTH_CONTRACT = HEALTH_FEED.table_for(NAME)
ROW = "H{},P1,IHA,2024-05-01,2024-05-29,,DNA\n"
LINE_CAP = "a line longer than 1,048,576 bytes, the limit (CSW_MAX_LINE_BYTES)"


def test_40000_blank_header_columns_are_refused_at_once_by_the_column_cap(loaded, settings):
    landing, before = loaded
    write(landing, "health", NAME, HEALTH.rstrip("\n") + "," * 40_000 + "\n" + ROW.format(2))
    started = time.perf_counter()
    report = ingest(landing, settings)
    seconds = time.perf_counter() - started
    assert_quarantined(report, settings, NAME, "row 0 (header): 40,007 columns, over the limit of 1,000 (CSW_MAX_COLUMNS)")
    assert snapshot(settings) == before
    assert seconds < 10  # was 28 s of quadratic header work before the file loaded; generous for a busy machine


def test_blank_header_columns_are_dropped_in_linear_time_when_the_cap_allows_them(tmp_path):
    """Excel's trailing commas, 200,000 of them: the quadratic reader took about 28 s for 40,000."""
    path = tmp_path / NAME
    blanks = "," * 200_000
    path.write_text(HEALTH.rstrip("\n") + blanks + "\n" + ROW.format(1).rstrip("\n") + blanks + "\n", encoding="utf-8")
    started = time.perf_counter()
    frame = read_table(path, HEALTH_CONTRACT, max_columns=300_000)
    seconds = time.perf_counter() - started
    assert list(frame.columns) == [*HEALTH_CONTRACT.column_names, "_row_number"]
    assert frame["assessment_id"].tolist() == ["H1"]
    assert seconds < 10


def test_a_20_mb_header_is_refused_after_reading_one_line_cap(loaded, settings):
    landing, before = loaded
    write(landing, "health", NAME, HEALTH.rstrip("\n") + ",x" * 10_000_000 + "\n" + ROW.format(2))
    report = ingest(landing, settings)
    assert_quarantined(report, settings, NAME, f"row 0 (header): {LINE_CAP}")
    assert snapshot(settings) == before


def test_a_long_single_line_file_is_refused(loaded, settings):
    """A file of one 20 MB line and no line end: the header is never held whole."""
    landing, before = loaded
    write(landing, "health", NAME, b"," * 20_000_000)
    report = ingest(landing, settings)
    assert_quarantined(report, settings, NAME, f"row 0 (header): {LINE_CAP}")
    assert snapshot(settings) == before


def test_a_long_data_line_is_refused_naming_its_row(loaded, settings):
    landing, before = loaded
    huge = ROW.format(3).replace("DNA", '"' + "x" * 2_000_000 + '"')
    write(landing, "health", NAME, HEALTH + ROW.format(1) + ROW.format(2) + huge + ROW.format(4))
    report = ingest(landing, settings)
    assert_quarantined(report, settings, NAME, f"row 3: {LINE_CAP}")
    assert snapshot(settings) == before


def test_the_line_cap_counts_bytes_not_characters(tmp_path):
    """300,000 four-byte characters are 1.2 MB on one line, over the 1 MiB cap though under it in characters."""
    path = tmp_path / NAME
    path.write_text(HEALTH + ROW.format(1).replace("DNA", "\U0001F600" * 300_000), encoding="utf-8")
    with pytest.raises(ContractError, match=re.escape(f"{NAME}: row 1: {LINE_CAP}")):
        read_table(path, HEALTH_CONTRACT)


def test_caps_are_settings(loaded, settings, monkeypatch):
    landing, before = loaded
    monkeypatch.setenv("CSW_MAX_COLUMNS", "8")
    monkeypatch.setenv("CSW_MAX_LINE_BYTES", "100")
    capped = get_settings()
    assert (capped.max_columns, capped.max_line_bytes) == (8, 100)
    write(landing, "health", "health_assessments_20240702.csv", HEALTH.rstrip("\n") + ",room,ward\n" + ROW.format(2))
    write(landing, "health", "health_assessments_20240703.csv", HEALTH + ROW.format(3).replace("DNA", "D" * 80))
    write(landing, "health", "health_assessments_20240704.csv", HEALTH.rstrip("\n") + ",room\n" + ROW.format(4).rstrip("\n") + ",4\n")
    report = ingest(landing, capped)
    assert_quarantined(report, capped, "health_assessments_20240702.csv",
                       "row 0 (header): 9 columns, over the limit of 8 (CSW_MAX_COLUMNS)")
    assert_quarantined(report, capped, "health_assessments_20240703.csv",
                       "row 1: a line longer than 100 bytes, the limit (CSW_MAX_LINE_BYTES)")
    assert [f.rows for f in report.files if f.file_name == "health_assessments_20240704.csv"] == [1]  # 8 columns, 79 bytes


@pytest.mark.parametrize(("content", "reason"), [
    (HEALTH + ROW.format(1) + ROW.format(2).replace("DNA", "D\x00NA"),
     "row 2, column outcome: NUL byte (\\x00) in the value"),
    (HEALTH + ROW.format(1).replace("P1", "\x00"), "row 1, column person_id: NUL byte (\\x00) in the value"),
    (HEALTH.rstrip("\n") + ",no\x00te\n" + ROW.format(1).rstrip("\n") + ",x\n",
     "row 0 (header), column 8: NUL byte (\\x00) in the column name"),
])
def test_a_nul_byte_is_refused_with_its_row_and_column(loaded, settings, content, reason):
    landing, before = loaded
    write(landing, "health", NAME, content)
    report = ingest(landing, settings)
    assert_quarantined(report, settings, NAME, reason)
    assert snapshot(settings) == before


def test_the_hash_is_of_the_file_bytes_and_the_parse_must_read_the_same_bytes(tmp_path):
    path = tmp_path / NAME
    content = (HEALTH + ROW.format(1)).encode("utf-8")
    path.write_bytes(content)
    assert file_sha256(path) == (hashlib.sha256(content).hexdigest(), len(content))
    assert len(read_table(path, HEALTH_CONTRACT, sha256=hashlib.sha256(content).hexdigest())) == 1
    with pytest.raises(ContractError, match="the file changed while it was being read"):
        read_table(path, HEALTH_CONTRACT, sha256=hashlib.sha256(b"what was hashed before").hexdigest())


def test_streaming_keeps_line_numbers_and_characters_across_read_chunks(tmp_path):
    """Many 1 MiB reads: characters split across reads load whole; a bad byte far in is reported on its line."""
    path = tmp_path / NAME
    rows = "".join(ROW.format(i).replace("DNA", "Caf\u00e9 \u2013 \U0001F600") for i in range(1, 60_001))
    path.write_bytes((HEALTH + rows).encode("utf-8"))
    frame = read_table(path, HEALTH_CONTRACT)
    assert len(frame) == 60_000 and set(frame["outcome"]) == {"Caf\u00e9 \u2013 \U0001F600"}
    path.write_bytes((HEALTH + rows).encode("utf-8") + ROW.format(60_001).replace("DNA", "Caf\u00e9").encode("latin-1"))
    with pytest.raises(ContractError, match="not UTF-8: byte 0xE9 on line 60002 "):
        read_table(path, HEALTH_CONTRACT)


@pytest.mark.parametrize(("body", "reason"), [
    (ROW.format(1) + "\n" + ROW.format(3), "row 2: 0 fields where the header has 7"),
    (ROW.format(1) + ",,,,,,\n" + ROW.format(3), "row 2, column assessment_id: required value is blank"),
    (ROW.format(1) + ROW.format(2)[:12] + "\n\n,,\n", "row 2: 4 fields where the header has 7 (truncated last line?)"),
])
def test_blank_rows_between_values_are_still_rows_of_the_file(tmp_path, body, reason):
    path = tmp_path / NAME
    path.write_text(HEALTH + body, encoding="utf-8")
    with pytest.raises(ContractError) as refused:
        read_table(path, HEALTH_CONTRACT)
    assert refused.value.reason == reason
