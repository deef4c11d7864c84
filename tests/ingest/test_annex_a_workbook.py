"""Annex A workbooks written by hand (openpyxl) as a case-system source: lists found by their heading row whatever
the sheets are called and however they are ordered, Ofsted's labels read back to the SSD codes, the as-of date from
the cover sheet or the file name, the Child Unique ID keyed like an SSD person id; and every hostile workbook
(macros, encryption, a corrupt zip, a zip bomb, a formula with no saved value, an unknown code …) refused with its
one-line reason while what was loaded before stays."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook

from foundation.warehouse import connect
from ingest.annex_a import workbook as annex_workbook
from ingest.annex_a.spec import load_lists
from ingest.core.load import load_landing
from ingest.core.pseudonymise import child_key

LISTS = {a.number: a for a in load_lists()}


def headings(number: int) -> list[str]:
    return [c.heading for c in LISTS[number].columns]


def add_list(wb: Workbook, title: str, number: int, rows: list[dict], *, above: list | None = None,
             extra: str | None = None, shout: bool = False, drop: str | None = None) -> None:
    """A sheet holding list `number`: optional title rows above the headings, headings in upper case and with
    doubled spaces when `shout`, an extra column at the end, a heading left out (`drop`)."""
    ws = wb.create_sheet(title)
    for line in above or []:
        ws.append(line)
    names = [h for h in headings(number) if h != drop]
    shown = [("  " + h.upper().replace(" ", "  ") + " ") if shout else h for h in names]
    ws.append(shown + ([extra] if extra else []))
    for row in rows:
        ws.append([row.get(h) for h in names] + ([row.get(extra)] if extra else []))


def contact(child_id, day, source, gender="a) Male"):
    return {"Child Unique ID": child_id, "Gender": gender, "Ethnicity": "WBRI", "Date of Birth": "14/02/2015",
            "Age of Child (Years)": 10, "Date of Contact": day, "Contact Source": source}


def referral(child_id, day, source, nfa, count):
    return {"Child Unique ID": child_id, "Gender": "Female", "Ethnicity": "a) WBRI", "Date of Birth": datetime(2012, 6, 1),
            "Age of Child (Years)": "12", "Date of referral": day, "Referral Source": source, "Referral NFA?": nfa,
            "Number of Referrals in Last 12 Months": count, "Allocated Team": "Front Door", "Allocated Worker": None}


def authority_workbook(*, inspection: date | None = date(2025, 3, 31), la_code: str | int | None = None) -> Workbook:
    """An authority's own layout: its own sheet names in its own order, a title above one heading row, headings
    in other case and spacing, an extra column, a guidance sheet and a cover sheet with the inspection date."""
    wb = Workbook()
    wb.remove(wb.active)
    add_list(wb, "Referrals (L3)", 3, [
        referral(2001.0, "03/01/2025", "q) 6: Police", "N", 2),
        referral("C-2002", datetime(2025, 2, 10), "2A", "b) No", 1.0),
    ], above=[["Annex A: referrals in the six months to the inspection"]], shout=True, extra="Local note")
    ws = wb.create_sheet("Guidance")
    ws.append(["Fill in one row per referral."])
    add_list(wb, "CONTACTS", 1, [
        contact(1001, datetime(2024, 10, 1), "6"),
        contact("1002", "31/03/2025", "a) 1A: Individual", gender="Not stated/recorded"),
        {},  # a blank row between records is skipped
        contact("1003", "2024-12-24", "  s) 8: OTHER  "),
    ])
    if inspection is not None:
        cover = wb.create_sheet("Cover")
        cover.append(["Local authority", "Exampleshire"])
        if la_code is not None:
            cover.append(["LA code:", la_code])
        cover.append(["Date of inspection", inspection])
    return wb


def save(wb: Workbook, landing, name: str) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    path = landing / "annex_a" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def ingest(landing, settings, as_of=None):
    con = connect(settings)
    try:
        return load_landing(con, landing, settings, feeds=["annex_a"], as_of=as_of)
    finally:
        con.close()


def query(settings, sql):
    con = connect(settings, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_lists_are_found_by_their_headings_whatever_the_sheets_are_called(tmp_path, settings):
    landing = tmp_path / "landing"
    save(authority_workbook(), landing, "exampleshire_annex_a.xlsx")
    [outcome] = ingest(landing, settings).files
    assert (outcome.outcome, outcome.rows) == ("loaded", 5)
    assert outcome.rows_by_table() == {"annex_a__list_01_contacts": 3, "annex_a__list_03_referrals": 2}
    assert "sheet 'Guidance' is not an Annex A list" in outcome.warning
    assert "Cover" not in outcome.warning  # the sheet the as-of date came from is not reported as ignored
    assert "no sheet holds list 2, 4, 5, 6, 7, 8, 9, 10, 11" in outcome.warning

    contacts = query(settings, "select as_of_date, sheet_row, person_id, gender, ethnicity, birth_date, age, "
                               "contact_date, contact_source_code, _source_file "
                               "from raw.annex_a__list_01_contacts order by sheet_row")
    assert contacts == [
        (date(2025, 3, 31), 2, "1001", "M", "WBRI", date(2015, 2, 14), 10, date(2024, 10, 1), "6", "exampleshire_annex_a.xlsx"),
        (date(2025, 3, 31), 3, "1002", "U", "WBRI", date(2015, 2, 14), 10, date(2025, 3, 31), "1A", "exampleshire_annex_a.xlsx"),
        (date(2025, 3, 31), 5, "1003", "M", "WBRI", date(2015, 2, 14), 10, date(2024, 12, 24), "8", "exampleshire_annex_a.xlsx"),
    ]
    referrals = query(settings, "select sheet_row, person_id, gender, ethnicity, birth_date, age, referral_date, "
                                "referral_source_code, is_nfa, referrals_12m, allocated_team, local_note "
                                "from raw.annex_a__list_03_referrals order by sheet_row")
    assert referrals == [  # headings on row 2 (a title above): the records are rows 3 and 4
        (3, "2001", "F", "WBRI", date(2012, 6, 1), 12, date(2025, 1, 3), "6", "false", 2, "Front Door", None),
        (4, "C-2002", "F", "WBRI", date(2012, 6, 1), 12, date(2025, 2, 10), "2A", "false", 1, "Front Door", None),
    ]
    keys = dict(query(settings, "select person_id, child_key from raw._child_keys where la_code = '841'"))
    assert keys == {p: child_key(settings.pseudonymisation_secret, "841", p)
                    for p in ("1001", "1002", "1003", "2001", "C-2002")}
    loads = query(settings, "select table_name, row_count, extract_date from raw._loads where outcome = 'loaded' "
                            "order by batch_id")
    assert [(t, n) for t, n, _ in loads if n] == [("annex_a__list_01_contacts", 3), ("annex_a__list_03_referrals", 2)]
    assert {d for *_, d in loads} == {date(2025, 3, 31)}
    assert len(loads) == 2  # only the lists the workbook holds


def test_as_of_date_from_the_file_name_and_a_corrected_workbook_replaces_its_date(tmp_path, settings):
    landing = tmp_path / "landing"
    save(authority_workbook(inspection=None), landing, "annex_a_20250331.xlsx")
    assert ingest(landing, settings).files[0].outcome == "loaded"
    corrected = authority_workbook(inspection=date(2025, 3, 31))
    corrected["CONTACTS"].delete_rows(4, 2)  # the blank row and contact 1003 removed
    save(corrected, landing, "annex_a_corrected.xlsx")
    later = authority_workbook(inspection=date(2025, 9, 30))
    save(later, landing, "annex_a_later.xlsx")
    outcomes = {f.file_name: f for f in ingest(landing, settings).files}
    assert outcomes["annex_a_corrected.xlsx"].outcome == "loaded"
    assert "replaced 3 rows of an earlier workbook as of 2025-03-31" in outcomes["annex_a_corrected.xlsx"].warning
    assert query(settings, "select as_of_date, count(*), min(_source_file) from raw.annex_a__list_01_contacts "
                           "group by as_of_date order by as_of_date") == [
        (date(2025, 3, 31), 2, "annex_a_corrected.xlsx"), (date(2025, 9, 30), 3, "annex_a_later.xlsx")]


def test_with_no_date_anywhere_the_run_date_is_taken_and_else_the_workbook_is_refused(tmp_path, settings):
    landing = tmp_path / "landing"
    save(authority_workbook(inspection=None), landing, "annex_a.xlsx")
    [refused] = ingest(landing, settings).files
    assert refused.outcome == "quarantined"
    assert refused.reason == ("annex_a.xlsx: no as-of date: give the workbook a Notes cell 'As-of date' with the date "
                              "of inspection, put it in the file name (annex_a_2025-03-31.xlsx) or pass --as-of")
    save(authority_workbook(inspection=None), landing, "annex_a.xlsx")
    assert ingest(landing, settings, as_of=date(2025, 1, 31)).files[0].outcome == "loaded"
    assert query(settings, "select distinct as_of_date from raw.annex_a__list_03_referrals") == [(date(2025, 1, 31),)]


def _with_entry(data: bytes, name: str, payload: bytes) -> bytes:
    buffer = BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


def _formula(wb: Workbook) -> Workbook:
    wb["CONTACTS"]["E3"] = "=E2+1"  # openpyxl saves a formula with no cached value
    return wb


def _unknown_code(wb: Workbook) -> Workbook:
    wb["CONTACTS"]["B5"] = "e) Martian"
    return wb


def _blank_id(wb: Workbook) -> Workbook:
    wb["Referrals (L3)"]["A4"] = None
    return wb


def _bad_date(wb: Workbook) -> Workbook:
    wb["CONTACTS"]["F2"] = "31/02/2025"
    return wb


def _missing_heading(wb: Workbook) -> Workbook:
    add_list(wb, "List 2", 2, [], drop="Assessment completion date", above=[["Early help assessments"]])
    return wb


def _nameless_missing_heading(wb: Workbook) -> Workbook:
    add_list(wb, "Sheet7", 4, [], drop="Continuous Assessment Date of Authorisation")
    return wb


def _two_sheets_one_list(wb: Workbook) -> Workbook:
    add_list(wb, "Contacts again", 1, [contact("9", "01/01/2025", "6")])
    return wb


def _guidance(wb: Workbook) -> Workbook:
    """Another sheet (ignored by the reader), so the file's bytes differ from the good workbook saved in the same
    second: the same bytes again would be a duplicate, never read."""
    wb.create_sheet("Guidance").append(["How to fill in this workbook"])
    return wb


# (file name, how the workbook is spoilt, how its bytes are spoilt, the reason after "<file name>: ")
HOSTILE = [
    ("annex_a.xlsm", _guidance, None, "macro-enabled workbook (.xlsm) refused: save it as .xlsx (macros removed)"),
    ("macros.xlsx", None, lambda data: _with_entry(data, "xl/vbaProject.bin", b"\x00" * 64),
     "macro-enabled workbook (it holds vbaProject.bin) refused: save it as .xlsx (macros removed)"),
    ("encrypted.xlsx", None, lambda data: annex_workbook.OLE_MAGIC + b"\x00" * 504 + b"EncryptedPackage",
     "encrypted or legacy workbook (an OLE compound file, not an .xlsx zip): save it without a password as .xlsx"),
    ("corrupt.xlsx", None, lambda data: data[: len(data) // 2],
     "not a readable .xlsx workbook (corrupt or truncated zip: File is not a zip file)"),
    ("bomb.xlsx", None, lambda data: _with_entry(data, "xl/media/padding.bin", b"\x00" * 3_000_000),
     "workbook unpacks to {size:,} bytes, over the limit of 2,000,000 (a zip bomb or an oversized sheet)"),
    ("formula.xlsx", _formula, None,
     "sheet 'CONTACTS' row 3, column 'Age of Child (Years)': a formula (=E2+1) with no saved value; formulas are "
     "never evaluated: save the workbook in Excel or paste values"),
    ("code.xlsx", _unknown_code, None,
     "sheet 'CONTACTS' row 5, column 'Gender': unknown code 'e) Martian' (not one of Ofsted's answers for this "
     "column, codes.yaml 'gender')"),
    ("blank_id.xlsx", _blank_id, None, "sheet 'Referrals (L3)' row 4, column 'Child Unique ID': required value is blank"),
    ("date.xlsx", _bad_date, None,
     "sheet 'CONTACTS' row 2, column 'Date of Contact': not a date '31/02/2025' (an Excel date or dd/mm/yyyy)"),
    ("heading.xlsx", _missing_heading, None,
     "sheet 'List 2' looks like list 2 (Early help) but its heading row lacks 'Assessment completion date'"),
    ("nameless.xlsx", _nameless_missing_heading, None,
     "sheet 'Sheet7' looks like list 4 (Assessments) but its heading row lacks 'Continuous Assessment Date of "
     "Authorisation'"),
    ("twice.xlsx", _two_sheets_one_list, None, "sheets 'CONTACTS' and 'Contacts again' both hold list 1 (Contacts)"),
    ("annex_a_2025-06-30.xlsx", _guidance, None,
     "the as-of date on the cover sheet (2025-03-31) is not the one in the file name (2025-06-30)"),
]


@pytest.mark.parametrize("name, spoil, spoil_bytes, reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_workbook_is_refused_with_its_reason_and_nothing_loaded_is_lost(
        tmp_path, settings, monkeypatch, name, spoil, spoil_bytes, reason):
    monkeypatch.setattr(annex_workbook, "MAX_UNCOMPRESSED_BYTES", 2_000_000)
    landing = tmp_path / "landing"
    save(authority_workbook(), landing, "good.xlsx")
    assert ingest(landing, settings).files[0].outcome == "loaded"
    before = query(settings, "select * exclude (_loaded_at) from raw.annex_a__list_01_contacts order by sheet_row")
    keys_before = query(settings, "select count(*) from raw._child_keys")

    wb = authority_workbook()
    data = save(spoil(wb) if spoil else wb, landing, name)
    if spoil_bytes:
        data = spoil_bytes(data)
        (landing / "annex_a" / name).write_bytes(data)
    outcomes = [f for f in ingest(landing, settings).files if f.file_name == name]
    assert [f.outcome for f in outcomes] == ["quarantined"]
    if "{size" in reason:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            reason = reason.format(size=sum(e.file_size for e in archive.infolist()))
    assert outcomes[0].reason == f"{name}: {reason}"
    assert not (landing / "annex_a" / name).exists()
    [moved] = (settings.quarantine_dir / "annex_a").rglob(name)
    assert moved.with_name(name + ".reason.txt").read_text(encoding="utf-8") == f"{name}: {reason}\n"
    assert query(settings, "select * exclude (_loaded_at) from raw.annex_a__list_01_contacts order by sheet_row") == before
    assert query(settings, "select count(*) from raw._child_keys") == keys_before
    assert query(settings, "select reason from raw._loads where outcome = 'quarantined'") == [(f"{name}: {reason}",)]


def test_a_sheet_with_no_list_at_all_refuses_the_workbook_naming_its_sheets(tmp_path, settings):
    landing = tmp_path / "landing"
    wb = Workbook()
    wb.active.title = "Summary"
    wb.active.append(["Child", "Date"])
    save(wb, landing, "summary.xlsx")
    [refused] = ingest(landing, settings).files
    assert refused.reason == ("summary.xlsx: no Annex A list recognised in sheets 'Summary' (a list is recognised by "
                              "its heading row, e.g. Child Unique ID, Gender, … Date of Contact)")


def test_a_formula_is_read_as_the_value_excel_saved_never_evaluated(tmp_path, settings):
    """Excel saves each formula's value with the file: that value is read (here 99, which `=E2+1` would never give:
    the formula is not evaluated)."""
    landing = tmp_path / "landing"
    data = save(_formula(authority_workbook()), landing, "saved.xlsx")
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            payload = source.read(entry)
            if b"<f>E2+1</f><v></v>" in payload:  # as Excel would have saved it
                payload = payload.replace(b"<f>E2+1</f><v></v>", b"<f>E2+1</f><v>99</v>")
            target.writestr(entry, payload)
    (landing / "annex_a" / "saved.xlsx").write_bytes(buffer.getvalue())
    [outcome] = ingest(landing, settings).files
    assert outcome.outcome == "loaded", outcome.reason
    assert query(settings, "select person_id, age from raw.annex_a__list_01_contacts order by sheet_row") == [
        ("1001", 10), ("1002", 99), ("1003", 10)]
