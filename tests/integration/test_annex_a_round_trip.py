"""Annex A round trip at the raw level, on the shared demo run (the `pipeline` fixture): `csw export annex-a` writes
the workbook, the workbook is loaded as the only source of a fresh warehouse, and every list has the manifest's row
count, every Child Unique ID gets the child_key the original warehouse gave it, and list 1 holds the original
staging's contacts of the period, codes read back from Ofsted's labels."""

from __future__ import annotations

import json
import shutil
from datetime import date

from foundation.settings import get_settings
from foundation.warehouse import connect
from ingest.annex_a.spec import load_lists
from ingest.core.load import load_landing
from tests.integration.conftest import AS_OF, run_csw


def test_the_exported_workbook_loads_back_with_the_manifests_rows_and_the_same_child_keys(pipeline, tmp_path,
                                                                                           monkeypatch):
    run_csw(["export", "annex-a", "--as-of", AS_OF, "--out", str(tmp_path / "out")], pipeline.env)
    folder = tmp_path / "out" / "annex_a" / "841" / AS_OF
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    landing = tmp_path / "landing"
    (landing / "annex_a").mkdir(parents=True)
    shutil.copy(folder / f"annex_a_841_{AS_OF}.xlsx", landing / "annex_a")

    for name in ("CSW_PSEUDONYMISATION_SECRET", "CSW_LA_CODE"):  # the same authority and secret as the demo run
        monkeypatch.setenv(name, pipeline.env[name])
    monkeypatch.setenv("CSW_WAREHOUSE", str(tmp_path / "fresh" / "csw.duckdb"))
    monkeypatch.setenv("CSW_QUARANTINE", str(tmp_path / "quarantine"))
    monkeypatch.setenv("CSW_OUTPUT", str(tmp_path / "output"))
    settings = get_settings()
    con = connect(settings)
    try:
        [outcome] = load_landing(con, landing, settings).files  # every feed: the workbook is the only file
        counts = {a.number: con.execute(f"select count(*) from raw.annex_a__{a.table}").fetchall()[0][0]
                  for a in load_lists()}
        keys = dict(con.execute("select person_id, child_key from raw._child_keys where la_code = '841'").fetchall())
        contacts = sorted(con.execute(
            "select keys.child_key, contacts.contact_date, contacts.contact_source_code "
            "from raw.annex_a__list_01_contacts as contacts "
            "join raw._child_keys as keys on keys.person_id = contacts.person_id").fetchall())
        as_of_dates = {row[0] for a in load_lists()
                       for row in con.execute(f"select distinct as_of_date from raw.annex_a__{a.table}").fetchall()}
    finally:
        con.close()

    assert (outcome.outcome, outcome.rows) == ("loaded", sum(entry["rows"] for entry in manifest["lists"]))
    assert counts == {entry["number"]: entry["rows"] for entry in manifest["lists"]}
    assert outcome.rows_by_table() == {f"annex_a__{a.table}": counts[a.number] for a in load_lists()}
    assert counts[1] > 1000 and counts[11] == 0  # the demo has contacts, and the SSD no adopters
    assert as_of_dates == {date(2025, 3, 31)}  # from the workbook's Notes sheet
    with pipeline.connect() as original:
        original_keys = dict(original.execute(
            "select person_id, child_key from raw._child_keys where la_code = '841'").fetchall())
        original_contacts = sorted(original.execute(
            "select child_key, contact_date, contact_source_code from staging.stg_case_system__contacts "
            "where contact_date between date '2024-10-01' and date '2025-03-31'").fetchall())
    assert len(keys) > 500
    assert keys == {person_id: original_keys[person_id] for person_id in keys}
    assert contacts == original_contacts
