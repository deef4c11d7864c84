"""The fast CSV parse (Arrow's reader, `read._read_body_fast`) against the strict one (Python's `csv`): for the
generated demo files (their planted defects included) and for crafted edge cases, `read_table` gives the same frame,
or the same one-line reason, whichever path reads the file. A file the fast parse could read otherwise is left to
the strict reader: the cases below say which files must take the fast path, so the comparison is never vacuous."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ingest.contracts import FEEDS
from ingest.core import read
from ingest.core.read import ContractError, file_sha256, read_header, read_table
from ingest.health.schema import CONTRACT as HEALTH_FEED

NAME = "health_assessments_20240701.csv"
CONTRACT = HEALTH_FEED.table_for(NAME)
HEADER = b"assessment_id,person_id,assessment_type,requested_date,due_date,completed_date,outcome"
ROW = b"H%d,P1,IHA,2024-05-01,2024-05-29,,DNA"
TWO = HEADER + b"\n" + ROW % 1 + b"\n" + ROW % 2 + b"\n"


def _strict_only(*args, **kwargs):
    raise read._Unusual("the strict reader, for the comparison")


def _outcome(path: Path, contract, monkeypatch, *, strict: bool, **caps) -> pd.DataFrame | str:
    """`read_table`'s frame, or its reason; with `strict` the fast parse is never tried."""
    with monkeypatch.context() as patch:
        if strict:
            patch.setattr(read, "_read_body_fast", _strict_only)
        try:
            return read_table(path, contract, sha256=file_sha256(path)[0], **caps)
        except ContractError as exc:
            return str(exc)


def _takes_fast_path(path: Path, contract, **caps) -> bool:
    try:
        read._read_body_fast(path.name, path, contract, caps.get("max_columns", 1_000),
                             caps.get("max_line_bytes", 1024**2), file_sha256(path)[0])
    except Exception:  # noqa: BLE001 - any failure of the fast parse sends the file to the strict reader
        return False
    return True


def assert_same(path: Path, contract, monkeypatch, **caps) -> pd.DataFrame | str:
    strict = _outcome(path, contract, monkeypatch, strict=True, **caps)
    fast = _outcome(path, contract, monkeypatch, strict=False, **caps)
    if isinstance(strict, str):
        assert fast == strict
    else:
        assert not isinstance(fast, str), fast
        pd.testing.assert_frame_equal(fast, strict, check_exact=True)
    return strict


# (case, the file's bytes, whether the fast parse reads it)
CASES = [
    ("plain", TWO, True),
    ("no line end at the end", TWO.rstrip(b"\n"), True),
    ("CRLF", TWO.replace(b"\n", b"\r\n"), True),
    ("CRLF, none at the end", TWO.replace(b"\n", b"\r\n").rstrip(b"\r\n"), True),
    ("BOM", b"\xef\xbb\xbf" + TWO, True),
    ("BOM twice", b"\xef\xbb\xbf\xef\xbb\xbf" + TWO, False),  # refused: the header has a stray U+FEFF
    ("BOM on row 1", HEADER + b"\n\xef\xbb\xbf" + ROW % 1 + b"\n", True),
    ("quoted values", HEADER + b'\n"H1","P1","IHA",2024-05-01,"2024-05-29","","a ""b"", c"\n', True),
    ("quoted header", b'"assessment_id",person_id,assessment_type,requested_date,due_date,completed_date,outcome\n'
                      + ROW % 1 + b"\n", True),
    ("a quote inside a value", HEADER + b'\nH1,P1,IHA,2024-05-01,2024-05-29,,say "no"\n', False),
    ("text after a closing quote", HEADER + b'\nH1,P1,IHA,2024-05-01,2024-05-29,,"no"t\n', False),
    ("a line end inside quotes", HEADER + b'\nH1,P1,IHA,2024-05-01,2024-05-29,,"two\nlines"\n', False),
    ("a CR inside quotes", HEADER + b'\nH1,P1,IHA,2024-05-01,2024-05-29,,"two\rlines"\n', False),
    ("an unclosed quote", HEADER + b'\nH1,P1,IHA,2024-05-01,2024-05-29,,"open\n', False),
    ("a bare CR in a value", HEADER + b"\nH1,P1,IHA,2024-05-01,2024-05-29,,a\rb\n", False),
    ("CR line ends", TWO.replace(b"\n", b"\r"), False),
    ("a CR at the end", TWO + b"\r", False),
    ("a blank line inside", HEADER + b"\n" + ROW % 1 + b"\n\n" + ROW % 2 + b"\n", False),
    ("a blank CRLF line inside", (HEADER + b"\n" + ROW % 1 + b"\n\n" + ROW % 2 + b"\n").replace(b"\n", b"\r\n"),
     False),
    ("trailing blank lines", TWO + b"\n\n\n", False),
    ("a blank line first", b"\n" + TWO, False),
    ("trailing rows of commas", TWO + b",,,,,,\n , ,\t,,,,\n", False),
    ("a row of commas inside", HEADER + b"\n,,,,,,\n" + ROW % 1 + b"\n", False),
    ("a row of blanks of another width inside", HEADER + b"\n,,\n" + ROW % 1 + b"\n", False),
    ("a row of unicode spaces", TWO + "\u3000,\x1c,\u2028,\xa0,\u205f,\x85,\t\n".encode(), False),
    ("a blank first value only", HEADER + b"\n  ,P1,IHA,2024-05-01,2024-05-29,,DNA\n", True),
    ("an ideographic space first, a value after", HEADER + "\n\u3000,P1,IHA,,,,\n".encode(), True),
    ("blank-header columns", HEADER + b",,\n" + ROW % 1 + b",,\n" + ROW % 2 + b", ,\t\n", True),
    ("a value under a blank header", HEADER + b",,\n" + ROW % 1 + b",x,\n", False),
    ("a blank first header", b"," + HEADER + b"\n," + ROW % 1 + b"\n", True),
    ("whitespace around values", HEADER + b"\n H1 ,\tP1, IHA ,2024-05-01 , 2024-05-29,  , DNA\t\n", True),
    ("unicode values", HEADER + "\nH1,P1,IHA,2024-05-01,2024-05-29,,Zoë 🌍 名字 \u200b\n".encode(), True),
    ("extra columns", HEADER + b",Notes,notes 2\n" + ROW % 1 + b",x,\n", True),
    ("a NUL in a value", HEADER + b"\nH1,P1,IHA,2024-05-01,2024-05-29,,D\x00NA\n", False),
    ("a NUL in the header", HEADER + b",n\x00te\n" + ROW % 1 + b",x\n", False),
    ("not UTF-8", HEADER + b"\nH1,P1,IHA,2024-05-01,2024-05-29,,caf\xe9\n", False),
    ("an encoded surrogate", HEADER + b"\nH1,P1,IHA,2024-05-01,2024-05-29,,\xed\xa0\x80\n", False),
    ("an overlong encoding", HEADER + b"\nH1,P1,IHA,2024-05-01,2024-05-29,,\xc0\xaf\n", False),
    ("a wide row", HEADER + b"\n" + ROW % 1 + b",x\n" + ROW % 2 + b"\n", False),
    ("a narrow row", HEADER + b"\nH1,P1,IHA\n" + ROW % 2 + b"\n", False),
    ("a truncated last line", TWO + b"H3,P1,IH", False),
    ("empty", b"", False),
    ("only line ends", b"\n\n\n", False),
    ("header only", HEADER + b"\n", True),
    ("header only, no line end", HEADER, False),
    ("a blank header", b" , ,\n" + ROW % 1 + b"\n", False),
    ("a missing column", HEADER.replace(b",outcome", b"") + b"\nH1,P1,IHA,2024-05-01,2024-05-29,\n", False),
    ("a repeated column", HEADER + b",outcome\n" + ROW % 1 + b",x\n", False),
    ("a semicolon file", HEADER.replace(b",", b";") + b"\n" + (ROW % 1).replace(b",", b";") + b"\n", False),
    ("a duplicate key", HEADER + b"\n" + ROW % 1 + b"\n" + ROW % 1 + b"\n", True),
    ("a blank required value", HEADER + b"\nH1,,IHA,2024-05-01,2024-05-29,,DNA\n", True),
    ("a bad date", HEADER + b"\nH1,P1,IHA,2024-13-01,2024-05-29,,DNA\n", True),
    ("UK dates and times", HEADER + b"\nH1,P1,IHA,01/05/2024,2024-05-29T10:00:00,29/05/2024 09:30,DNA\n", True),
    ("a long line", HEADER + b"\nH1,P1,IHA,2024-05-01,2024-05-29,," + b"x" * 300 + b"\n", False),  # 256-byte cap
    ("a line just under the cap", HEADER + b"\nH1,P1,IHA,2024-05-01,2024-05-29,,"
     + b"x" * (256 - len(b"H1,P1,IHA,2024-05-01,2024-05-29,,") - 1) + b"\n", True),
]


@pytest.mark.parametrize(("case", "content", "fast"), CASES, ids=[case for case, _, _ in CASES])
def test_the_fast_and_the_strict_parse_agree(tmp_path, monkeypatch, case, content, fast):
    path = tmp_path / NAME
    path.write_bytes(content)
    assert_same(path, CONTRACT, monkeypatch, max_line_bytes=256)
    assert _takes_fast_path(path, CONTRACT, max_line_bytes=256) is fast


def test_many_rows_over_many_chunks_agree(tmp_path, monkeypatch):
    """Lines straddle the fast parse's 1 MiB reads and Arrow's blocks; the strict reader's 65,536-row chunks."""
    rows = b"".join(b'H%d,P%d,IHA,2024-05-01,"2024-05-29",,"x ""%d"""\r\n' % (i, i % 977, i) for i in range(150_000))
    path = tmp_path / NAME
    path.write_bytes(HEADER + b"\r\n" + rows)
    frame = assert_same(path, CONTRACT, monkeypatch)
    assert len(frame) == 150_000
    assert _takes_fast_path(path, CONTRACT)


def test_a_blank_row_far_into_the_file_is_left_to_the_strict_reader(tmp_path, monkeypatch):
    body = b"".join(ROW % i + b"\n" for i in range(100_000))
    path = tmp_path / NAME
    path.write_bytes(HEADER + b"\n" + body + b",,,,,,\n" + ROW % 100_001 + b"\n")
    assert_same(path, CONTRACT, monkeypatch)
    assert not _takes_fast_path(path, CONTRACT)


def test_a_file_changed_since_it_was_hashed_is_refused_by_either_path(tmp_path, monkeypatch):
    path = tmp_path / NAME
    path.write_bytes(TWO)
    sha = file_sha256(path)[0]
    path.write_bytes(TWO + ROW % 3 + b"\n")
    reason = f"{NAME}: the file changed while it was being read (still being written?); land it again"
    for strict in (True, False):
        with monkeypatch.context() as patch:
            if strict:
                patch.setattr(read, "_read_body_fast", _strict_only)
            with pytest.raises(ContractError) as refused:
                read_table(path, CONTRACT, sha256=sha)
            assert str(refused.value) == reason


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory):
    from synthetic import generate

    landing = tmp_path_factory.mktemp("demo") / "landing"
    generate(landing, scale=0.1, defects="all")
    return landing


def _csv_contract(path: Path, landing: Path):
    feed = path.relative_to(landing).parts[0]
    if FEEDS[feed].read_document is not None:
        return None
    if FEEDS[feed].in_subfolders:
        return FEEDS[feed].table_for_header(path, read_header(path, path.name), path.name)
    return FEEDS[feed].table_for(path.name)


def test_every_demo_file_reads_the_same_by_the_fast_path(demo_landing, monkeypatch):
    """The generated extract, its planted defects included: each CSV read both ways, frame for frame."""
    read_fast = 0
    paths = sorted(demo_landing.rglob("*.csv"))
    for path in paths:
        contract = _csv_contract(path, demo_landing)
        if contract is None:
            continue
        assert_same(path, contract, monkeypatch)
        read_fast += _takes_fast_path(path, contract)
    assert read_fast >= 0.9 * len(paths)
