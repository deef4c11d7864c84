"""Small-number suppression, on by default: counts 1–4 and every figure built on one become `c`, with the
value, numerator and denominator of a figure suppressed together (exports/regional/suppression.py)."""

import csv
import json

import pytest
from openpyxl import load_workbook

from csw.cli import main
from exports.errors import ExportRefused
from exports.regional import job
from exports.regional.suppression import Suppression, must_suppress
from tests.exports.conftest import LA, PERIOD, settings_now

DSA = "data sharing agreement DSA-2025-07"


def set_value(con, indicator_id: str, label: str, numerator, denominator, value) -> None:
    """Replace (or add) LA 841's quarterly figure of one indicator and quarter."""
    con.execute(
        "delete from marts.fct_indicator_values where la_code = ? and period_type = 'quarter' "
        "and indicator_id = ? and period_label = ?", [LA, indicator_id, label],
    )
    con.execute(
        "insert into marts.fct_indicator_values values (?, ?, 'quarter', ?, null, null, ?, ?, ?)",
        [indicator_id, LA, label, numerator, denominator, value],
    )


def csv_rows(files) -> dict[str, tuple[str, str, str]]:
    with files.csv.open(newline="") as f:
        return {r["indicator_id"]: (r["numerator"], r["denominator"], r["value"]) for r in csv.DictReader(f)}


@pytest.mark.parametrize(
    ("unit", "numerator", "denominator", "value", "suppressed"),
    [
        ("percent", 4, 8, 50.0, True),  # numerator 4
        ("percent", 2, 8, 25.0, True),  # numerator 2
        ("percent", 30, 33, 100 * 30 / 33, True),  # 3 not in touch: the complement
        ("percent", 3, 3, 100.0, True),  # denominator 3
        ("percent", 0, 8, 0.0, False),  # zero is shown, the complement 8 is not small
        ("percent", 8, 8, 100.0, False),  # complement 0
        ("percent", 5, 10, 50.0, False),
        ("percent", 0, 0, None, False),  # denominator zero: no value, nothing small
        ("percent", None, None, None, False),
        ("percent", 2.5, 40.0, 6.25, True),  # a fractional count (FTE) below 5
        ("rate", 0, 3, 0.0, True),  # a rate on a denominator of 1–4 (0 of 3: the 3 are all "not")
        ("rate", 2, 25000, 0.8, True),
        ("rate", 30, 25000, 12.0, False),
        ("count", 0, None, 0, False),
        ("count", 1, None, 1, True),
        ("count", 4, None, 4, True),
        ("count", 5, None, 5, False),
        ("ratio", 357, 20, 17.85, False),
        ("ratio", 10, 3, 10 / 3, True),  # 3 professionals
        ("ratio", 3, 20, 0.15, True),  # 3 involvements
        ("days", 2, 10, 0.2, False),  # 2 days in total is not a count of children
        ("days", 60, 2, 30.0, True),  # an average over 2 children
        ("score", 28, 2, 14.0, True),
    ],
)
def test_must_suppress_hand_worked(unit, numerator, denominator, value, suppressed) -> None:
    assert must_suppress(unit, numerator, denominator, value) is suppressed


def test_by_default_small_figures_and_their_parts_are_c(write_return, warehouse, return_table) -> None:
    set_value(warehouse, "ASMT_45WD_PCT", PERIOD, 4, 8, 50.0)
    set_value(warehouse, "CPP_SECOND_PCT", PERIOD, 2, 8, 25.0)
    set_value(warehouse, "CL_EET_19_21_PCT", PERIOD, 30, 33, 100 * 30 / 33)
    set_value(warehouse, "HLTH_DENTAL_PCT", PERIOD, 0, 8, 0.0)
    set_value(warehouse, "REF_RATE", PERIOD, 0, 3, 0.0)
    set_value(warehouse, "CPP_SECOND_PCT", "2024-25Q3", 27, 30, 90.0)  # an earlier quarter: complement 3
    set_value(warehouse, "CPP_SECOND_PCT", "2024-25Q2", 5, 10, 50.0)
    files = write_return()

    assert csv_rows(files) == {
        "REF_RATE": ("", "", "c"),
        "ASMT_45WD_PCT": ("", "", "c"),
        "CLA_STARTS": ("", "", "c"),  # count 3
        "CLA_UASC_COUNT": ("0", "", "0"),
        "CPP_SECOND_PCT": ("", "", "c"),
        "HLTH_DENTAL_PCT": ("0", "8", "0"),
        "CL_EET_19_21_PCT": ("", "", "c"),
        "WF_CASELOAD_AVG": ("357", "20", repr(357 / 20)),
        "CONT_COUNT": ("1241", "", "1241"),
    }
    table = return_table(files.workbook)
    for indicator_id in ("REF_RATE", "ASMT_45WD_PCT", "CPP_SECOND_PCT", "CL_EET_19_21_PCT"):
        row = table[indicator_id]
        assert (row[PERIOD], row["numerator"], row["denominator"]) == ("c", "c", "c"), indicator_id
        assert row["note"] == "suppressed (small number)"
    assert (table["CLA_STARTS"][PERIOD], table["CLA_STARTS"]["numerator"], table["CLA_STARTS"]["denominator"]) == (
        "c", "c", None,  # a count has no denominator
    )
    assert table["CPP_SECOND_PCT"]["2024-25Q3"] == "c" and table["CPP_SECOND_PCT"]["2024-25Q2"] == 50
    assert table["CLA_UASC_COUNT"]["2024-25Q2"] == "c"  # count 4
    assert table["CLA_UASC_COUNT"]["2024-25Q3"] == 5
    assert (table["HLTH_DENTAL_PCT"][PERIOD], table["HLTH_DENTAL_PCT"]["denominator"]) == (0, 8)
    ws = load_workbook(files.workbook)["Return"]
    assert ws["D4"].value == "c" and ws["D4"].data_type == "s"


def test_no_small_number_can_be_read_or_derived_from_the_shared_figures(write_return, warehouse) -> None:
    """Whatever the fixture holds, every shown numerator, denominator and their difference is 0 or at least 5."""
    set_value(warehouse, "CL_EET_19_21_PCT", PERIOD, 30, 33, 100 * 30 / 33)
    set_value(warehouse, "ASMT_45WD_PCT", PERIOD, 95, 99, 100 * 95 / 99)
    for indicator_id, (numerator, denominator, value) in csv_rows(write_return()).items():
        shown = [float(x) for x in (numerator, denominator) if x not in ("", "c")]
        if numerator and denominator and indicator_id.endswith(("_PCT", "_RATE")):
            shown.append(float(denominator) - float(numerator))
        if indicator_id.endswith(("_STARTS", "_COUNT")) and value != "c":
            shown.append(float(value))
        assert not any(0 < x < 5 for x in shown), (indicator_id, numerator, denominator, value)
        if value == "c":
            assert numerator in ("", "c") and denominator in ("", "c"), indicator_id


def test_default_is_recorded_on_the_cover_and_in_the_manifest(write_return) -> None:
    files = write_return()
    cover = dict(load_workbook(files.workbook)["Cover"].iter_rows(min_row=2, values_only=True))
    assert cover["small-number suppression"].startswith("on: counts 1-4")
    manifest = json.loads(files.manifest.read_text())
    assert manifest["suppressed"] is True and manifest["suppression_off_reason"] is None
    assert manifest["suppression"].startswith("counts 1-4")


def test_off_with_a_reason_shows_small_numbers_and_says_why(write_return, return_table) -> None:
    files = write_return(suppression=Suppression.off(DSA))
    table = return_table(files.workbook)
    assert table["CLA_STARTS"][PERIOD] == 3 and table["CPP_SECOND_PCT"]["numerator"] == 2
    assert f"{LA},{PERIOD},CLA_STARTS,3,,3" in files.csv.read_text().splitlines()
    cover = dict(load_workbook(files.workbook)["Cover"].iter_rows(min_row=2, values_only=True))
    assert cover["small-number suppression"] == f"OFF, small numbers shown: {DSA}"
    manifest = json.loads(files.manifest.read_text())
    assert (manifest["suppressed"], manifest["suppression"], manifest["suppression_off_reason"]) == (False, None, DSA)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_off_without_a_reason_is_refused(reason) -> None:
    with pytest.raises(ExportRefused, match="only with a recorded reason"):
        Suppression.off(reason)
    with pytest.raises(ExportRefused, match="only with a recorded reason"):
        Suppression.from_setting("off", reason)


def test_setting_values() -> None:
    assert Suppression.from_setting("", None) == Suppression.from_setting("ON", "ignored") == Suppression()
    assert Suppression.from_setting("off", f" {DSA} ") == Suppression(on=False, off_reason=DSA)
    with pytest.raises(ExportRefused, match="expected on or off"):
        Suppression.from_setting("no", DSA)


def test_the_scheduled_return_is_suppressed_unless_the_setting_is_off_with_a_reason(
    file_warehouse, smtp_server, tmp_path, monkeypatch
) -> None:
    files = job.write(settings_now(), PERIOD, tmp_path / "out", la_codes=[LA], progress=lambda _: None)
    assert f"{LA},{PERIOD},CLA_STARTS,,,c" in files.by_authority[LA].csv.read_text().splitlines()
    assert job.deliver(settings_now(), PERIOD, files.paths, progress=lambda _: None)
    body = next(smtp_server[-1].iter_parts()).get_content()
    assert "Small numbers (1-4, and figures built on them) are suppressed: shown as c." in body

    monkeypatch.setenv("CSW_SUPPRESSION", "off")
    before = files.by_authority[LA].csv.read_bytes()
    with pytest.raises(job.ReturnBlocked, match="only with a recorded reason"):
        job.write(settings_now(), PERIOD, tmp_path / "out", la_codes=[LA], progress=lambda _: None)
    assert files.by_authority[LA].csv.read_bytes() == before  # nothing replaced
    assert "only with a recorded reason" in next(smtp_server[-1].iter_parts()).get_content()  # the team is told

    monkeypatch.setenv("CSW_SUPPRESSION_OFF_REASON", DSA)
    files = job.write(settings_now(), PERIOD, tmp_path / "out", la_codes=[LA], progress=lambda _: None)
    assert f"{LA},{PERIOD},CLA_STARTS,3,,3" in files.by_authority[LA].csv.read_text().splitlines()
    assert job.deliver(settings_now(), PERIOD, files.paths, progress=lambda _: None)
    assert f"Small numbers are NOT suppressed: {DSA}" in next(smtp_server[-1].iter_parts()).get_content()


def test_a_return_showing_small_numbers_without_a_reason_is_not_emailed(file_warehouse, smtp_server, tmp_path):
    files = job.write(settings_now(), PERIOD, tmp_path / "out", la_codes=[LA], progress=lambda _: None)
    manifest = json.loads(files.by_authority[LA].manifest.read_text())
    files.by_authority[LA].manifest.write_text(json.dumps(manifest | {"suppressed": False}))  # e.g. written by an older version
    with pytest.raises(ExportRefused, match="without a recorded reason: not sent"):
        job.deliver(settings_now(), PERIOD, files.paths, progress=lambda _: None)
    assert smtp_server == []


def test_cli_export_suppresses_by_default_and_needs_a_reason_to_stop(file_warehouse, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    csv_file = out / "regional" / LA / PERIOD / f"return_{LA}_{PERIOD}.csv"
    assert main(["export", "regional", "--period", PERIOD, "--out", str(out)]) == 0
    assert f"{LA},{PERIOD},CLA_STARTS,,,c" in csv_file.read_text().splitlines()
    assert "small-number suppression on" in capsys.readouterr().out

    assert main(["export", "regional", "--period", PERIOD, "--out", str(out), "--no-suppress"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("csw: small-number suppression can be turned off only with a recorded reason")
    assert len(err.strip().splitlines()) == 1
    assert main(["export", "regional", "--period", PERIOD, "--out", str(out), "--reason", DSA]) == 1
    assert "--reason goes with --no-suppress" in capsys.readouterr().err
    assert f"{LA},{PERIOD},CLA_STARTS,,,c" in csv_file.read_text().splitlines()  # refused: nothing rewritten

    assert main(["export", "regional", "--period", PERIOD, "--out", str(out), "--no-suppress", "--reason", DSA]) == 0
    assert f"{LA},{PERIOD},CLA_STARTS,3,,3" in csv_file.read_text().splitlines()
    assert json.loads(csv_file.with_name("manifest.json").read_text())["suppression_off_reason"] == DSA


def test_cli_suppress_overrides_the_setting_off(file_warehouse, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CSW_SUPPRESSION", "off")
    monkeypatch.setenv("CSW_SUPPRESSION_OFF_REASON", DSA)
    out = tmp_path / "out"
    csv_file = out / "regional" / LA / PERIOD / f"return_{LA}_{PERIOD}.csv"
    assert main(["export", "regional", "--period", PERIOD, "--out", str(out)]) == 0
    assert f"{LA},{PERIOD},CLA_STARTS,3,,3" in csv_file.read_text().splitlines()
    assert main(["export", "regional", "--period", PERIOD, "--out", str(out), "--suppress"]) == 0
    assert f"{LA},{PERIOD},CLA_STARTS,,,c" in csv_file.read_text().splitlines()
