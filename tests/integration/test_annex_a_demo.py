"""`csw export annex-a` on the shared demo run (the `pipeline` fixture): the workbook opens with every list's
headings, the row counts of the event lists match the warehouse's own staging counted independently here, every
Child Unique ID is one of the authority's person ids, and no pseudonymous child_key leaves the warehouse."""

from __future__ import annotations

import json
import re

from openpyxl import load_workbook

from exports.files import sha256_of
from ingest.annex_a.spec import load_lists
from tests.integration.conftest import AS_OF, run_csw

PERIOD_START = "2024-10-01"  # the six months to 2025-03-31, both ends included
HEX_KEY = re.compile(r"^[0-9a-f]{64}$")


def test_annex_a_from_the_demo_warehouse(pipeline, tmp_path):
    result = run_csw(["export", "annex-a", "--as-of", AS_OF, "--out", str(tmp_path)], pipeline.env)
    folder = tmp_path / "annex_a" / "841" / AS_OF
    workbook_path = folder / f"annex_a_841_{AS_OF}.xlsx"
    assert f"wrote {workbook_path}" in result.stdout
    workbook = load_workbook(workbook_path, read_only=True)
    lists = load_lists()
    assert workbook.sheetnames == [a.sheet for a in lists] + ["Notes"]
    rows = {}
    for annex_list in lists:
        header, *body = list(workbook[annex_list.sheet].iter_rows(values_only=True))
        assert list(header) == [c.heading for c in annex_list.columns]
        rows[annex_list.number] = body

    with pipeline.connect() as con:
        def count(sql: str) -> int:
            return con.execute(sql, [PERIOD_START, AS_OF]).fetchall()[0][0]

        contacts = count("select count(*) from staging.stg_case_system__contacts "
                         "where contact_date >= cast($1 as date) and contact_date <= cast($2 as date)")
        referrals = count("select count(*) from staging.stg_case_system__referrals "
                          "where referral_date >= cast($1 as date) and referral_date <= cast($2 as date)")
        plans = count("select count(*) from staging.stg_case_system__cp_plans where start_date <= cast($2 as date) "
                      "and (end_date is null or end_date >= cast($1 as date))")
        looked_after = count("select count(distinct child_key) from staging.stg_case_system__cla_episodes "
                             "where start_date <= cast($2 as date) "
                             "and (ceased_date is null or ceased_date >= cast($1 as date))")
        person_ids = {p for (p,) in con.execute("select person_id from raw._child_keys").fetchall()}

    assert contacts > 0 and referrals > 0 and plans > 0 and looked_after > 0
    assert (len(rows[1]), len(rows[3]), len(rows[7]), len(rows[8])) == (contacts, referrals, plans, looked_after)
    assert rows[11] == []
    for number, body in rows.items():
        ids = {row[0] for row in body}
        assert ids <= person_ids, f"list {number}: Child Unique IDs outside raw._child_keys"
        assert not any(isinstance(v, str) and HEX_KEY.match(v) for row in body for v in row)

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"][0]["sha256"] == sha256_of(workbook_path)
    assert [entry["rows"] for entry in manifest["lists"]] == [len(rows[a.number]) for a in lists]
