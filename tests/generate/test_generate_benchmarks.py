"""`csw generate --benchmarks`: the other eleven North East authorities' returns and a published file, each
passing the benchmarks contract, the same bytes for the same seed."""

from __future__ import annotations

from datetime import date

from synthetic.benchmarks import SUPPRESSING, write_benchmarks
from ingest.benchmarks.schema import CONTRACT
from ingest.core.read import read_table

OTHERS = {"840", "390", "805", "806", "391", "392", "929", "807", "393", "808", "394"}
QUARTERS = ["2023-24Q4", "2024-25Q1", "2024-25Q2", "2024-25Q3", "2024-25Q4"]


def test_eleven_authorities_five_quarters_every_file_within_its_contract(tmp_path):
    written = write_benchmarks(tmp_path, la_code="841", end=date(2025, 3, 31), seed=3)
    returns = sorted(name for name in written if "/regional_return_" in name)
    assert returns == sorted(f"benchmarks/regional_return_{la}_{q}.csv" for la in OTHERS for q in QUARTERS)
    for name in written:
        path = tmp_path / name
        frame = read_table(path, CONTRACT.table_for(path.name))
        assert len(frame) == written[name]
    frame = read_table(tmp_path / "benchmarks/regional_return_805_2024-25Q4.csv", CONTRACT.tables[0])
    assert set(frame["la_code"]) == {"805"} and set(frame["period"]) == {"2024-25Q4"} and len(frame) == 27
    published = read_table(tmp_path / "benchmarks/published_regional_return.csv", CONTRACT.tables[1])
    assert set(published["area_type"]) == {"LA", "REGION", "ENGLAND"}
    assert "841" not in set(published["area_code"])  # our own figures come from our warehouse


def test_only_suppressing_authorities_send_c_and_percentages_stay_in_range(tmp_path):
    write_benchmarks(tmp_path, la_code="841", end=date(2025, 3, 31), seed=3)
    senders = set()
    for path in (tmp_path / "benchmarks").glob("regional_return_*.csv"):
        frame = read_table(path, CONTRACT.tables[0])
        if (frame["value"] == "c").any():
            senders.add(path.name.split("_")[2])
        numbers = frame[(frame["value"] != "c") & frame["indicator_id"].str.endswith("_PCT")]["value"].astype(float)
        assert numbers.between(0, 100).all(), path.name
    assert senders and senders <= SUPPRESSING


def test_same_seed_same_bytes(tmp_path):
    first = write_benchmarks(tmp_path / "a", la_code="841", end=date(2025, 3, 31), seed=5)
    write_benchmarks(tmp_path / "b", la_code="841", end=date(2025, 3, 31), seed=5)
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
