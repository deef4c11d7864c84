"""The SSDA903 export on hand-worked cases: episodes split at legal-status and placement changes with the
right RNE/REC, the year window, dd/mm/yyyy dates, the year's recodes and code lists, one file per table with
the DfE's columns, the authority's ids in CHILD, and the atomic outbox with its manifest."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest

from exports.errors import ExportRefused
from exports.files import sha256_of
from exports.statutory.ssda903 import load_year, write_ssda903
from ingest.ssda903 import spec as spec_module
from exports.statutory.ssda903.build import Window, build_tables, split_episodes
from exports.statutory.ssda903.read import QUERIES, Inputs
from exports.statutory.ssda903.spec import column_sources, unfilled_columns
from exports.statutory.ssda903.write import format_value, render_table
from tests.exports.conftest import as_hub

ROOT = Path(__file__).resolve().parents[2]
YEAR = Window(date(2024, 4, 1), date(2025, 3, 31))
D = date.fromisoformat


def person(key, sex="M", dob="2010-06-15", ethnicity="WBRI"):
    return {"child_key": key, "sex_code": sex, "ethnicity_code": ethnicity, "birth_date": D(dob)}


def ssd_episode(key, cla_id, start, ceased=None, reason=None, need="N1", episode_id=None):
    return {"cla_episode_id": episode_id or f"{cla_id}-{start}", "child_key": key, "cla_id": cla_id,
            "start_date": D(start), "primary_need_code": need, "ceased_date": D(ceased) if ceased else None,
            "ceased_reason_code": reason}


def status(key, code, start, end=None):
    return {"legal_status_id": f"{key}-{code}-{start}", "child_key": key, "legal_status_code": code,
            "start_date": D(start), "end_date": D(end) if end else None}


def placement(key, cla_id, placement_id, type_code, start, end=None, provider="PR1", change_reason=None, urn=None):
    return {"placement_id": placement_id, "child_key": key, "cla_id": cla_id, "start_date": D(start),
            "end_date": D(end) if end else None, "placement_type_code": type_code,
            "placement_provider_code": provider, "placement_urn": urn, "change_reason_code": change_reason}


def episodes_of(inputs: Inputs) -> list[tuple]:
    return [(e.start, e.rne, e.legal_status, e.place, e.end, e.rec, e.reason_place_change) for e in split_episodes(inputs)]


# A child who came into care on 1 May 2024 under an interim care order (C1) in one foster placement; the full
# care order (C2) was made on 10 July 2024 while the placement went on; the placement ended on 2 Oct 2024
# (the carers could not go on: CARPL) and a residential placement started the same day.
CHANGE_MID_PLACEMENT = Inputs(
    persons=[person("k1")],
    cla_episodes=[ssd_episode("k1", "CLA1", "2024-05-01")],
    legal_statuses=[status("k1", "C1", "2024-05-01", "2024-07-10"), status("k1", "C2", "2024-07-10")],
    placements=[placement("k1", "CLA1", "PL1", "U4", "2024-05-01", "2024-10-02", change_reason="CARPL"),
                placement("k1", "CLA1", "PL2", "K2", "2024-10-02", provider="PR4", urn="SC588006")],
)


def test_a_legal_status_change_mid_placement_starts_an_episode_with_rne_l():
    assert episodes_of(CHANGE_MID_PLACEMENT) == [
        (D("2024-05-01"), "S", "C1", "U4", D("2024-07-10"), "X1", None),  # the next change is the status only
        (D("2024-07-10"), "L", "C2", "U4", D("2024-10-02"), "X1", "CARPL"),  # the placement ends with it
        (D("2024-10-02"), "P", "C2", "K2", None, None, None),
    ]


def test_the_episodes_file_writes_the_split_as_the_dfe_reads_it():
    spec = load_year("2024-25")
    rows = build_tables(CHANGE_MID_PLACEMENT, YEAR, ["episodes"])["episodes"]
    text, outside = render_table(spec, "episodes", rows, {"k1": "P000123"})
    assert text.splitlines() == [
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
        "P000123,01/05/2024,S,C1,N1,U4,PR1,10/07/2024,X1,,,,",
        "P000123,10/07/2024,L,C2,N1,U4,PR1,02/10/2024,X1,CARPL,,,",
        "P000123,02/10/2024,P,C2,N1,K2,PR4,,,,,,SC588006",  # the children's home's Ofsted URN
    ]
    assert outside == {}


def test_status_and_placement_changing_the_same_day_is_one_episode_with_rne_t_and_the_period_ends_with_the_ssd_reason():
    inputs = Inputs(
        cla_episodes=[ssd_episode("k2", "CLA2", "2024-04-10", "2024-12-20", "E8")],
        legal_statuses=[status("k2", "V2", "2024-04-10", "2024-06-01"), status("k2", "C2", "2024-06-01")],
        placements=[placement("k2", "CLA2", "PA", "U6", "2024-04-10", "2024-06-01", change_reason="CHILD"),
                    placement("k2", "CLA2", "PB", "K2", "2024-06-01", "2024-12-20")],
    )
    assert episodes_of(inputs) == [
        (D("2024-04-10"), "S", "V2", "U6", D("2024-06-01"), "X1", "CHILD"),
        (D("2024-06-01"), "T", "C2", "K2", D("2024-12-20"), "E8", None),
    ]


def test_a_record_that_changes_neither_status_nor_placement_does_not_split():
    inputs = Inputs(  # the same C2 recorded again from 1 Aug: no change of legal status
        cla_episodes=[ssd_episode("k3", "CLA3", "2024-04-10")],
        legal_statuses=[status("k3", "C2", "2024-04-10", "2024-08-01"), status("k3", "C2", "2024-08-01")],
        placements=[placement("k3", "CLA3", "PA", "U4", "2024-04-10")],
    )
    assert episodes_of(inputs) == [(D("2024-04-10"), "S", "C2", "U4", None, None, None)]


def test_the_year_takes_episodes_open_on_any_day_of_it_and_blanks_a_ceasing_after_31_march():
    inputs = Inputs(
        persons=[person("old"), person("edge"), person("late")],
        cla_episodes=[ssd_episode("old", "A", "2023-05-01", "2024-03-31", "E4A"),  # ended the day before: out
                      ssd_episode("edge", "B", "2023-05-01", "2024-04-01", "E4A"),  # ended on 1 April: in
                      ssd_episode("late", "C", "2025-01-01", "2025-04-02", "E13")],  # ends after 31 March
        legal_statuses=[status("old", "C2", "2023-05-01"), status("edge", "C2", "2023-05-01"),
                        status("late", "V2", "2025-01-01")],
        placements=[placement("old", "A", "P1", "U4", "2023-05-01"), placement("edge", "B", "P2", "U4", "2023-05-01"),
                    placement("late", "C", "P3", "U4", "2025-01-01")],
    )
    rows = build_tables(inputs, YEAR, ["episodes"])["episodes"]
    assert [(r["CHILD"], r["DECOM"], r["DEC"], r["REC"]) for r in rows] == [
        ("edge", D("2023-05-01"), D("2024-04-01"), "E4A"),
        ("late", D("2025-01-01"), None, None),
    ]


def test_dates_are_dd_mm_yyyy_flags_0_1_and_blanks_empty():
    assert format_value(date(2024, 7, 1)) == "01/07/2024"
    assert format_value(date(2025, 3, 31)) == "31/03/2025"
    assert format_value(datetime(2024, 12, 9, 15, 30)) == "09/12/2024"
    assert format_value(True) == "1" and format_value(0) == "0"
    assert format_value(None) == "" and format_value(" N1 ") == "N1"


def test_sex_is_recoded_by_the_year_and_a_code_without_one_is_blank_and_counted():
    rows = [{"CHILD": "a", "SEX": "M"}, {"CHILD": "b", "SEX": "F"}, {"CHILD": "c", "SEX": "U"}]
    ids = {"a": "P1", "b": "P2", "c": "P3"}
    spec_2324 = load_year("2023-24")
    text, outside = render_table(spec_2324, "header", rows, ids)
    assert [line.split(",")[:2] for line in text.splitlines()[1:]] == [["P1", "1"], ["P2", "2"], ["P3", ""]]
    assert outside == {"SEX": {"U": 1}}
    text, outside = render_table(load_year("2024-25"), "header", rows, ids)
    assert [line.split(",")[1] for line in text.splitlines()[1:]] == ["M", "F", "U"]
    assert outside == {}


def test_a_value_outside_the_years_code_list_is_written_as_held_and_counted():
    rows = [{"CHILD": "a", "DECOM": D("2024-05-01"), "PLACE": "K3", "REC": "E43"},
            {"CHILD": "a", "DECOM": D("2024-06-01"), "PLACE": "U4", "REC": "E43"}]
    text, outside = render_table(load_year("2023-24"), "episodes", rows, {"a": "P9"})
    assert ",K3," in text
    assert outside == {"PLACE": {"K3": 1}, "REC": {"E43": 2}}  # K3 is new in 2024-25's list
    assert render_table(load_year("2024-25"), "episodes", rows, {"a": "P9"})[1] == {"REC": {"E43": 2}}


def test_the_years_differ_only_in_their_data_files():
    old, new = load_year("2023-24"), load_year("2024-25")
    assert (old.start, old.end, new.start, new.end) == (D("2023-04-01"), D("2024-03-31"), D("2024-04-01"), D("2025-03-31"))
    assert old.tables == new.tables and "sw_episodes" in new.tables
    assert old.recode["SEX"] == {"M": "1", "F": "2"} and new.recode["SEX"] == {"M": "M", "F": "F", "U": "U"}
    assert new.codes["PLACE"] - old.codes["PLACE"] == {"K3"}


@pytest.mark.parametrize("year, reason", [
    ("2022-23", "no SSDA903 specification for 2022-23: the years there are 2023-24, 2024-25"),
    ("2024-26", "collection year '2024-26' is not a financial year like 2024-25"),
    ("2024", "collection year '2024' is not a financial year like 2024-25"),
])
def test_a_year_without_a_specification_is_refused(year, reason):
    with pytest.raises(ExportRefused) as refused:
        load_year(year)
    assert refused.value.reason == reason


def test_a_year_file_with_an_unquoted_yes_or_an_unknown_column_is_refused(tmp_path, monkeypatch):
    (tmp_path / "columns.yaml").write_text((spec_module.YEARS_DIR / "columns.yaml").read_text())
    good = (spec_module.YEARS_DIR / "2024-25.yaml").read_text()
    monkeypatch.setattr(spec_module, "YEARS_DIR", tmp_path)
    (tmp_path / "2024-25.yaml").write_text(good.replace('["YES", "NO", DIED', "[YES, NO, DIED"))
    with pytest.raises(ValueError, match=r"IN_TOUCH codes \[True, False\] must be quoted strings"):
        load_year("2024-25")
    (tmp_path / "2024-25.yaml").write_text(good.replace("REVIEW_CODE]", "REVIEW_COD]"))
    with pytest.raises(ValueError, match=r"reviews columns \['REVIEW_COD'\] are not in columns.yaml"):
        load_year("2024-25")


def test_oc2_takes_children_looked_after_12_months_at_31_march_and_their_year():
    inputs = Inputs(
        persons=[person("long", dob="2012-01-10"), person("new", dob="2012-01-10"), person("baby", dob="2022-05-01")],
        cla_episodes=[ssd_episode("long", "L", "2024-03-31"), ssd_episode("new", "N", "2024-04-01"),
                      ssd_episode("baby", "B", "2023-01-01")],
        legal_statuses=[status("long", "C2", "2024-03-31"), status("new", "C2", "2024-04-01"),
                        status("baby", "C2", "2023-01-01")],
        placements=[placement("long", "L", "P1", "U4", "2024-03-31"), placement("new", "N", "P2", "U4", "2024-04-01"),
                    placement("baby", "B", "P3", "U4", "2023-01-01")],
        health_checks=[{"health_check_id": "h1", "child_key": "long", "health_check_type_code": "RHA",
                        "health_check_date": D("2024-09-01"), "health_check_status_code": "COMPLETED"},
                       {"health_check_id": "h2", "child_key": "long", "health_check_type_code": "DENTAL",
                        "health_check_date": D("2024-09-02"), "health_check_status_code": "DNA"}],
        sdq_scores=[{"sdq_score_id": "s1", "child_key": "long", "completed_date": D("2024-05-01"), "sdq_score": 14,
                     "sdq_reason_code": None},
                    {"sdq_score_id": "s2", "child_key": "long", "completed_date": D("2025-02-01"), "sdq_score": 11,
                     "sdq_reason_code": None},
                    {"sdq_score_id": "s3", "child_key": "baby", "completed_date": D("2025-02-01"), "sdq_score": 9,
                     "sdq_reason_code": None}],
        immunisations=[{"child_key": "long", "is_immunisations_up_to_date": True, "status_date": D("2024-06-01")}],
        substance_misuse=[{"substance_misuse_id": "m1", "child_key": "long", "identified_date": D("2024-11-11"),
                           "is_intervention_received": False}],
    )
    rows = build_tables(inputs, YEAR, ["oc2"])["oc2"]
    # "long" came into care exactly 12 months before 31 March 2025; "new" a day later (not in the cohort)
    assert rows == [
        {"CHILD": "baby", "DOB": D("2022-05-01"), "SDQ_SCORE": None, "SDQ_REASON": None, "CONVICTED": None,
         "IMMUNISATIONS": 0, "TEETH_CHECK": 0, "HEALTH_ASSESSMENT": 0, "SUBSTANCE_MISUSE": 0,
         "INTERVENTION_RECEIVED": None},  # aged 2: no SDQ, no convictions question
        {"CHILD": "long", "DOB": D("2012-01-10"), "SDQ_SCORE": 11, "SDQ_REASON": None, "CONVICTED": 0,
         "IMMUNISATIONS": 1, "TEETH_CHECK": 0, "HEALTH_ASSESSMENT": 1, "SUBSTANCE_MISUSE": 1,
         "INTERVENTION_RECEIVED": 0},  # the dental check was not attended
    ]


def test_oc3_takes_care_leavers_at_their_birthday_not_those_in_care_on_it():
    def leaver(key, record, contact, in_touch, activity, accommodation, suitable):
        return {"care_leaver_record_id": record, "child_key": key, "latest_contact_date": D(contact),
                "in_touch_code": in_touch, "activity_code": activity, "accommodation_code": accommodation,
                "is_accommodation_suitable": suitable}

    inputs = Inputs(
        persons=[person("left", dob="2005-09-01"), person("stayed", dob="2006-10-01"), person("lost", dob="2004-05-05"),
                 person("late", dob="2006-01-01"), person("came", dob="2007-06-16")],
        cla_episodes=[ssd_episode("came", "C", "2024-09-20", "2025-02-23", "E4B"),  # first looked after at 17
                      ssd_episode("left", "A", "2019-01-01", "2023-09-01", "E8"),
                      ssd_episode("stayed", "B", "2019-01-01", "2024-10-01", "E8")],  # left care on the 18th birthday
        legal_statuses=[status("left", "C2", "2019-01-01"), status("stayed", "C2", "2019-01-01")],
        placements=[placement("left", "A", "P1", "U4", "2019-01-01"), placement("stayed", "B", "P2", "U4", "2019-01-01")],
        care_leavers=[leaver("left", "r1", "2024-06-01", "YES", "F2", "B", False),
                      leaver("left", "r2", "2024-09-20", "YES", "G5", "D", True),  # within a month of the birthday
                      leaver("left", "r3", "2024-11-01", "NO", None, None, None),  # after: not this year's
                      leaver("stayed", "r4", "2024-10-02", "YES", "F1", "B", True),
                      leaver("lost", "r5", "2024-04-20", "NO", None, None, None),
                      leaver("late", "r6", "2025-04-02", "YES", "F1", "B", True),
                      leaver("came", "r7", "2025-03-01", "NREQ", "F2", "B", True)],
    )
    rows = build_tables(inputs, YEAR, ["oc3"])["oc3"]
    # left: 19 on 1 Sep 2024, the record of 20 Sep (within a month) counts; stayed: 18 on 1 Oct 2024, the day
    # they left care, so not yet a care leaver; lost: 20 on 5 May 2024, not in touch, so activity and
    # accommodation are "0"; late: 19 on 1 Jan 2025 but first heard of after the year end; came: 17 on 16 June
    # 2024, looked after from September to February, so not a care leaver on the birthday
    assert rows == [
        {"CHILD": "left", "DOB": D("2005-09-01"), "IN_TOUCH": "YES", "ACTIV": "G5", "ACCOM": "D1"},
        {"CHILD": "lost", "DOB": D("2004-05-05"), "IN_TOUCH": "NO", "ACTIV": "0", "ACCOM": "0"},
    ]


def test_header_lists_every_child_of_the_other_tables_with_motherhood_for_girls_looked_after():
    inputs = Inputs(
        persons=[person("girl", sex="F", dob="2008-02-02"), person("baby", dob="2024-12-25"),
                 person("boy", dob="2009-03-03")],
        cla_episodes=[ssd_episode("girl", "G", "2024-06-01"), ssd_episode("boy", "B", "2024-06-01")],
        legal_statuses=[status("girl", "C2", "2024-06-01"), status("boy", "V3", "2024-06-01")],
        placements=[placement("girl", "G", "P1", "U4", "2024-06-01"), placement("boy", "B", "P2", "R1", "2024-06-01")],
        mothers=[{"mother_record_id": "m", "mother_child_key": "girl", "baby_child_key": "baby"}],
    )
    tables = build_tables(inputs, YEAR, ["header", "episodes"])
    assert list(tables) == ["header", "episodes"]
    assert tables["header"] == [
        {"CHILD": "boy", "SEX": "M", "DOB": D("2009-03-03"), "ETHNIC": "WBRI", "MOTHER": None, "MC_DOB": None},
        {"CHILD": "girl", "SEX": "F", "DOB": D("2008-02-02"), "ETHNIC": "WBRI", "MOTHER": 1, "MC_DOB": D("2024-12-25")},
    ]


def test_every_column_without_an_ssd_source_is_on_the_docs_page():
    page = (ROOT / "docs" / "statutory" / "ssda903.md").read_text()
    unfilled = unfilled_columns()
    assert unfilled["episodes"] == ["HOME_POST", "PL_POST"]
    assert unfilled["ad1"] == ["NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]
    for table, columns in unfilled.items():
        for column in columns:
            assert f"| `{table}` | `{column}` | no SSD source" in page, (table, column)
    for table, columns in column_sources().items():
        for column in columns:
            assert f"| `{table}` | `{column}` |" in page, (table, column)


# --- the whole writer on a small warehouse -------------------------------------------------------------------

def _type(column: str) -> str:
    if column.endswith("_date") or column in ("review_date",):
        return "date"
    if column.startswith("is_"):
        return "boolean"
    return "integer" if column == "sdq_score" else "varchar"


@pytest.fixture
def small_warehouse(tmp_path) -> duckdb.DuckDBPyConnection:
    """The staging models the export reads, holding CHANGE_MID_PLACEMENT's child, and raw._child_keys."""
    con = duckdb.connect(str(tmp_path / "small.duckdb"))
    con.execute("create schema staging; create schema raw")
    con.execute("create table raw._child_keys (la_code varchar, person_id varchar, child_key varchar)")
    con.execute("insert into raw._child_keys values ('841', 'P000123', 'k1'), ('805', 'X9', 'k1')")
    for name, sql in QUERIES.items():
        columns = [c.strip() for c in sql.split("select", 1)[1].split(" from ")[0].split(",")]
        table = "staging.stg_case_system__" + sql.split("{s}", 1)[1].split()[0]
        con.execute(f"create table {table} ({', '.join(f'{c} {_type(c)}' for c in columns)})")
        for row in getattr(CHANGE_MID_PLACEMENT, name):
            con.execute(f"insert into {table} ({', '.join(row)}) values ({', '.join('$' + str(i + 1) for i in range(len(row)))})",
                        list(row.values()))
    as_hub(con, "841", decoy="806")  # 806's copy of every row (its ids never keyed): never read for 841
    yield con
    con.close()


def test_one_file_per_table_with_the_dfes_columns_the_authoritys_ids_and_a_manifest(small_warehouse, tmp_path):
    stamp = datetime(2025, 4, 20, 9, 0, tzinfo=timezone.utc)
    files = write_ssda903(small_warehouse, year="2024-25", out_dir=tmp_path / "out", la_code="841", generated_at=stamp)
    spec = load_year("2024-25")
    folder = tmp_path / "out" / "ssda903" / "841" / "2024-25"
    assert files.folder == folder
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{t}.csv" for t in spec.tables] + ["manifest.json"])
    for table, columns in spec.tables.items():
        with (folder / f"{table}.csv").open(newline="") as handle:
            assert tuple(next(csv.reader(handle))) == columns
    assert files.rows == {"header": 1, "episodes": 3, "reviews": 0, "uasc": 0, "oc2": 0, "oc3": 0, "ad1": 0,
                          "placed_for_adoption": 0, "previous_permanence": 1, "missing": 0, "sw_episodes": 0}
    assert (folder / "header.csv").read_text() == "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nP000123,M,15/06/2010,WBRI,,,\n"
    assert "k1" not in "".join(p.read_text() for p in folder.glob("*.csv"))  # never the warehouse's key
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["collection_year"] == "2024-25" and manifest["generated_at"] == "2025-04-20T09:00:00Z"
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        f"{t}.csv": sha256_of(folder / f"{t}.csv") for t in spec.tables}
    assert manifest["columns_without_ssd_source"]["episodes"] == ["HOME_POST", "PL_POST"]
    assert manifest["codes_outside_year_list"] == {}


def test_a_rerun_replaces_the_year_and_a_refused_one_leaves_it(small_warehouse, tmp_path):
    first = write_ssda903(small_warehouse, year="2024-25", out_dir=tmp_path, la_code="841")
    before = {p.name: p.read_bytes() for p in first.folder.glob("*.csv")}
    again = write_ssda903(small_warehouse, year="2024-25", out_dir=tmp_path, la_code="841")
    assert {p.name: p.read_bytes() for p in again.folder.glob("*.csv")} == before
    with pytest.raises(ExportRefused, match="no looked-after episode in 2023-24"):
        write_ssda903(small_warehouse, year="2023-24", out_dir=tmp_path, la_code="841")
    with pytest.raises(ExportRefused, match=r"1 child\(ren\) of the return have no case-system id for LA 806"):
        write_ssda903(small_warehouse, year="2024-25", out_dir=tmp_path, la_code="806")
    assert {p.name: p.read_bytes() for p in first.folder.glob("*.csv")} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_an_unbuilt_warehouse_is_refused_with_the_reason(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    with pytest.raises(ExportRefused, match=r"the SSD staging models are not built \(persons, cla_episodes"):
        write_ssda903(con, year="2024-25", out_dir=tmp_path, la_code="841")


def test_the_command_line_writes_the_year_and_says_what_is_outside_its_code_lists(small_warehouse, tmp_path,
                                                                                   monkeypatch, capsys):
    from csw.cli import main

    small_warehouse.execute("update staging.stg_case_system__cla_episodes set primary_need_code = 'N9'")
    path = small_warehouse.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()[0]
    small_warehouse.close()
    monkeypatch.setenv("CSW_WAREHOUSE", path)
    monkeypatch.setenv("CSW_LA_CODE", "841")
    assert main(["export", "ssda903", "--year", "2024-25", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    folder = tmp_path / "out" / "ssda903" / "841" / "2024-25"
    assert f"wrote {folder / 'episodes.csv'} (3 rows)" in out
    assert f"wrote {folder / 'manifest.json'}" in out
    assert "outside the 2024-25 code list: episodes.CIN N9 (3)" in out
    assert main(["export", "ssda903", "--year", "2021-22", "--out", str(tmp_path / "out")]) == 1
    assert "no SSDA903 specification for 2021-22: the years there are 2023-24, 2024-25" in capsys.readouterr().err
