"""The per-team error report of a DfE validation: what each recording team must fix before the return goes in.

One workbook (xlsx) per validation (`dq.dfe_runs`): a Summary sheet (the return, year, files, ruleset, findings
per team by class, the return-level issues), an "All findings" sheet, and one sheet per team, one row per
finding: team, worker, the child's case-system id, rule, class (error or query), message, table, record, fields.

The child's id is the authority's own case-system id (the return's CHILD / LAchildID): this report goes back
to the authority's own staff, like the return itself; it never reaches marts, the BI role or the regional
return.

Which team: the SSD's involvements (`staging.stg_case_system__involvements`: a professional's involvement
with a child, with the professional's team) joined to the child through `raw._child_keys` (the authority's
person id → child_key) and named by `staging.stg_case_system__departments`. The team is the one of the
involvement open on the collection year's last day (31 March); a child with none open then gets the team of
their latest involvement that started by that day, else their latest involvement at all; a child the SSD holds
no involvement for is listed under "No allocated team in the SSD". The worker is that involvement's
professional (the SSD's professional id, which the authority's staff look up in their own system).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from exports.xlsx import fit_columns, put, workbook_bytes, write_header
from foundation.warehouse import Connection, table_exists

NO_TEAM = "No allocated team in the SSD"
FINDING_HEADERS = ("Team", "Worker", "Child ID (case system)", "Rule", "Class", "Message", "Table", "Record", "Fields")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class Allocation(NamedTuple):
    team: str
    worker: str  # the SSD's professional id of the involvement the team comes from


@dataclass(frozen=True)
class ReportFinding:
    team: str
    worker: str
    child_id: str
    rule_code: str
    severity: str
    message: str
    table_name: str
    record: int | None  # 1-based position in the validator's table (903: the CSV's data row number)
    fields: str


@dataclass(frozen=True)
class ReportFacts:
    return_name: str
    year: str
    run_id: str
    inputs: str
    ruleset: str
    rules_in_registry: int
    failed_rules: str
    generated_at: datetime  # naive UTC


def year_end(year: str) -> date:
    """'2024-25' -> 31 March 2025, the day a collection year's team is read on."""
    return date(int(year[:4]) + 1, 3, 31)


def teams_for(con: Connection, la_code: str, child_ids: Iterable[str], on: date) -> dict[str, str]:
    """The team recording each child (see the module docstring); children the SSD has no team for are absent."""
    return {child: allocation.team for child, allocation in allocations_for(con, la_code, child_ids, on).items()}


def allocations_for(con: Connection, la_code: str, child_ids: Iterable[str], on: date) -> dict[str, Allocation]:
    """The team and worker of each child's involvement chosen as the module docstring says."""
    wanted = sorted({c for c in child_ids if c})
    needed = (("staging", "stg_case_system__involvements"), ("staging", "stg_case_system__departments"),
              ("raw", "_child_keys"))
    if not wanted or not all(table_exists(con, schema, table) for schema, table in needed):
        return {}
    sql = """
        select k.person_id, coalesce(d.team_name, i.team_id) as team, i.professional_id
        from raw._child_keys as k
        join staging.stg_case_system__involvements as i on i.child_key = k.child_key
        left join staging.stg_case_system__departments as d on d.team_id = i.team_id
        where k.la_code = $1 and i.team_id is not null
        order by k.person_id,
                 case when i.start_date <= $2 and (i.end_date is null or i.end_date >= $2) then 0
                      when i.start_date <= $2 then 1 else 2 end,
                 i.start_date desc, i.involvement_id desc
    """
    chosen: dict[str, Allocation] = {}
    wanted_set = set(wanted)
    for person_id, team, worker in con.execute(sql, [la_code, on]).fetchall():
        if person_id in wanted_set and person_id not in chosen:
            chosen[person_id] = Allocation(team, worker or "")
    return chosen


def report_rows(findings: Sequence[dict], allocations: dict[str, Allocation]) -> list[ReportFinding]:
    """The stored findings (dq.dfe_findings rows) with their team and worker, sorted team, child, rule, table,
    record.
    Return-level issues (no child) are not team rows: the Summary lists them."""
    rows = []
    for f in findings:
        if not f["child_id"]:
            continue
        row_id = str(f["row_id"] or "")
        allocation = allocations.get(f["child_id"], Allocation(NO_TEAM, ""))
        rows.append(ReportFinding(
            team=allocation.team, worker=allocation.worker, child_id=f["child_id"], rule_code=f["rule_code"],
            severity=f["severity"], message=f["message"], table_name=f["table_name"],
            record=int(row_id) + 1 if row_id.isdigit() else None, fields=f["columns_affected"] or ""))
    return sorted(rows, key=lambda r: (r.team == NO_TEAM, r.team, r.child_id, r.rule_code, r.table_name,
                                       r.record or 0))


def build_workbook(facts: ReportFacts, rows: Sequence[ReportFinding], return_level: Sequence[dict]) -> Workbook:
    wb = Workbook()
    wb.properties.title = f"DfE validation {facts.return_name} {facts.year}: error report by team"
    _summary(wb.active, facts, rows, return_level)
    _findings_sheet(wb.create_sheet("All findings"), rows)
    used = {"summary", "all findings"}
    for team in dict.fromkeys(r.team for r in rows):
        _findings_sheet(wb.create_sheet(_sheet_name(team, used)), [r for r in rows if r.team == team])
    return wb


def write_error_report(path: Path, facts: ReportFacts, rows: Sequence[ReportFinding],
                       return_level: Sequence[dict]) -> Path:
    """Write the workbook to `path` (its folder made if need be; written beside, then renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(workbook_bytes(build_workbook(facts, rows, return_level), timestamp=facts.generated_at))
    partial.replace(path)
    return path


def _summary(ws: Worksheet, facts: ReportFacts, rows: Sequence[ReportFinding], return_level: Sequence[dict]) -> None:
    ws.title = "Summary"
    lines: list[tuple[object, ...]] = [
        ("Return", facts.return_name), ("Collection year", facts.year), ("Validation run", facts.run_id),
        ("Files", facts.inputs), ("Validator ruleset", facts.ruleset), ("Rules in the ruleset", facts.rules_in_registry),
        ("Rules that could not run on these files", facts.failed_rules or "none"),
        ("Generated (UTC)", facts.generated_at),
        ("Child IDs", "the authority's own case-system ids: for the authority's staff only, never to be shared"),
        ("Record", "the finding's position in the validator's table, from 1 (903: the CSV's data row; line = record + 1)"),
        (),
        ("Team", "Errors", "Queries", "Children"),
    ]
    teams: dict[str, list[ReportFinding]] = {}
    for r in rows:
        teams.setdefault(r.team, []).append(r)
    for team, found in teams.items():
        lines.append((team, sum(r.severity == "error" for r in found), sum(r.severity == "query" for r in found),
                      len({r.child_id for r in found})))
    lines.append(("Total", sum(r.severity == "error" for r in rows), sum(r.severity == "query" for r in rows),
                  len({r.child_id for r in rows})))
    lines += [(), ("Return-level issues (no child)", "Class", "Message")]
    lines += [(i["rule_code"], i["severity"], i["message"]) for i in return_level] or [("none",)]
    for row_number, values in enumerate(lines, start=1):
        for column, value in enumerate(values, start=1):
            put(ws, row_number, column, value)
    fit_columns(ws, wrap_wider_than=60)


def _findings_sheet(ws: Worksheet, rows: Sequence[ReportFinding]) -> None:
    write_header(ws, FINDING_HEADERS)
    for row_number, r in enumerate(rows, start=2):
        for column, value in enumerate((r.team, r.worker, r.child_id, r.rule_code, r.severity, r.message, r.table_name,
                                        r.record, r.fields), start=1):
            put(ws, row_number, column, value)
    ws.auto_filter.ref = ws.dimensions
    fit_columns(ws, wrap_wider_than=60)


def _sheet_name(team: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, none of []:*?/\\) for a team."""
    base = _SHEET_NAME_BAD.sub(" ", team).strip().strip("'") or "Team"
    name, n = base[:31], 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name
