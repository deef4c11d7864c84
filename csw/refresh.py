"""Incremental refresh (issue 17 point 3): a build after a load rebuilds only what depends on the raw tables
that received a file since the last complete build, or everything when that cannot be shown to give the same rows.

After each successful build the warehouse records what it was built from (`dq.build_inputs`): the dbt build it
was (`dq.builds.build_id`), the as-of date, a fingerprint of the dbt project and its vars, a fingerprint of the
inputs the loader does not batch (the bank holidays, the commentary), and the highest `raw._loads` batch id it
had seen when it started (with how many loaded rows `raw._loads` held up to it). The next build (`csw build`,
`csw run`, the Cosmos `transform` task, or the Cosmos task per model on a server with CSW_TRANSFORM_TASKS=model:
csw/transform.py) is
incremental when all of these still hold:

- the newest `dq.builds` row is the recorded one and succeeded (no failed, partial or hand-run build since);
- the same as-of date, dbt project (models, macros, seeds, tests, dbt_project.yml, dbt's version) and dbt vars;
- the same bank holidays and commentary; no `raw._loads` row committed since with a batch id at or below the
  recorded one;
- at least one file was loaded since (a run that loaded nothing, or only quarantined files, rebuilds everything:
  the way to ask for a full build without `--full`);
- no file since is an authority's first case-level file (`int_periods` gains its periods) or its first
  `case_system` extract (its statutory sources give way to it, `macros/statutory_sources.sql`).

It then runs `dbt build --select source:*.<table>+` for each raw table with a new batch: every model downstream of a
changed table is rebuilt (they are tables), the others are the tables of the last build, whose inputs did not
change. When none of the new files is of a shared feed (`NOT_CASE_LEVEL`: reference, benchmarks) and the warehouse
holds other authorities too, the plan also names their authorities (`BuildPlan.authorities`, to dbt as
CSW_BUILD_AUTHORITIES: `dbt_env`), and a rebuilt model whose rows are each authority's own (`meta: authority_local`,
dbt_project.yml) has only those authorities' rows replaced (macros/materializations/authority_rows.sql): its other
authorities' rows are made from rows that did not change. The models that compare authorities are rebuilt whole, and
no model whose rows are each authority's own reads one of them that an authority's own file can change
(tests/test_dbt_layout.py). What a model reads of `raw._loads` is covered: a snapshot's current file is its own
table's (selected when that table got a batch); `int_periods` and the statutory precedence change only on the first
files above. A replacing feed (`reference`) or a corrected Annex A workbook deletes rows of the very table it loads,
which is selected. `raw._child_keys` only gains keys for the ids of the file being loaded (ids already keyed keep
theirs); re-keying rewrites them all and forgets the record (`forget`), so the build after is full. dbt's unit tests
are left out of an incremental build: their outcome depends on the SQL only, which the project fingerprint shows
unchanged since a build that ran them (or skipped them as that build was told to).

A full build runs the unit tests only when they have not yet passed in this warehouse for the project's
fingerprint and target (`dq.unit_test_passes`, a row per project version that passed): they cost a third of a full
build at one authority's size and give the same answer every day until the SQL or dbt changes. So the first build
of each release runs them (and `make test` on every change); the nightly full rebuilds after it do not. Asking
(`csw build --unit-tests`) runs them regardless, in a full build.

Everything else is a full build, and `BuildPlan.line` says which it is and why in one line.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from importlib import metadata
from pathlib import Path

from csw.dbt import BUILD_AUTHORITIES, dbt_vars
from foundation.settings import DBT_PROJECT_DIR, Settings
from foundation.warehouse import Connection, first_row, table_exists, transaction

STATE_TABLE = "dq.build_inputs"
_DDL = f"""
create table if not exists {STATE_TABLE} (
    build_id bigint,
    mode varchar(16),
    as_of date,
    project_fingerprint varchar(64),
    inputs_fingerprint varchar(64),
    last_batch_id bigint,
    loaded_rows bigint,
    recorded_at timestamp
)
"""
UNIT_TESTS_TABLE = "dq.unit_test_passes"
_UNIT_TESTS_DDL = f"""
create table if not exists {UNIT_TESTS_TABLE} (
    project_fingerprint varchar(64),
    target varchar(16),
    build_id bigint,
    recorded_at timestamp
)
"""
LOADS_TABLE = "raw._loads"
# Feeds whose rows are about an area, not an authority's children: their files give an authority no periods.
NOT_CASE_LEVEL = ("reference", "benchmarks")
# dbt's generated folders inside the project: not part of what a build is built from.
_GENERATED = ("target", "logs", "dbt_packages")


@dataclass(frozen=True)
class BuildPlan:
    """A full or incremental build, why, and what to record once it has succeeded."""

    mode: str  # "full" or "incremental"
    reason: str
    as_of: date
    project_fingerprint: str
    inputs_fingerprint: str
    last_batch_id: int | None  # the newest raw._loads batch when the build was planned
    loaded_rows: int  # raw._loads rows with outcome 'loaded' up to last_batch_id
    tables: tuple[str, ...] = field(default=())  # raw tables with a batch since the last build (incremental)
    # the authorities whose files those were, when no shared feed is among them (incremental): the models whose rows
    # are each authority's own (`authority_local`) replace only these authorities' rows; () replaces every row
    authorities: tuple[str, ...] = field(default=())
    unit_tests: bool = True  # whether the build runs dbt's unit tests (a full one may; an incremental one never)
    unit_tests_reason: str = ""

    @property
    def incremental(self) -> bool:
        return self.mode == "incremental"

    def as_dict(self) -> dict:
        """The plan as JSON values: the Airflow XCom the task-per-model transform's `record` task rebuilds it from."""
        return {**asdict(self), "as_of": self.as_of.isoformat(), "tables": list(self.tables),
                "authorities": list(self.authorities)}

    @classmethod
    def from_dict(cls, values: Mapping) -> BuildPlan:
        """The plan `as_dict` gave."""
        return cls(**{**values, "as_of": date.fromisoformat(values["as_of"]), "tables": tuple(values["tables"]),
                      "authorities": tuple(values.get("authorities", ()))})

    @property
    def select(self) -> list[str]:
        """dbt's selection: every node downstream of each changed raw table (any source name)."""
        return [f"source:*.{table}+" for table in self.tables]

    def dbt_env(self) -> dict[str, str]:
        """The environment a `dbt build` of this plan adds to `csw.dbt.dbt_env`'s: the authorities whose rows the
        project's table materialization replaces (CSW_BUILD_AUTHORITIES, comma-separated; empty: every row). dbt's
        materialization reads it when a model runs, not when dbt parses, so it does not make dbt parse again."""
        return {BUILD_AUTHORITIES: ",".join(self.authorities) if self.incremental else ""}

    def dbt_args(self, env: Mapping[str, str] = os.environ) -> list[str]:
        """Extra `dbt build` arguments: the unit tests excluded for a build that does not run them
        (`unit_test_args`); an incremental one also selects what depends on the changed tables. Neither writes
        dbt's manifest.json / run_results.json (`--no-write-json`; `csw build`, `csw run`, the one Airflow build
        task): nothing reads them (the build's counts and failures come back from dbt in-process, each node's
        outcome and time are in dbt's log, Cosmos renders the DAG from its own manifest, csw/dbt_manifest.py, and
        the build task emits the project's own Assets, not Cosmos's from these files), and writing them took a
        tenth of a one-authority full build (0.90x its wall time without) and 0.8 s of CPU of a daily delta.
        dbt's partial-parse file is still written. The task per model (CSW_TRANSFORM_TASKS=model) takes only
        `unit_test_args`: Cosmos's cache copies each task's manifest.json."""
        select = ["--select", *self.select] if self.incremental else []
        return [*select, *self.unit_test_args(env), "--no-write-json"]

    def unit_test_args(self, env: Mapping[str, str] = os.environ) -> list[str]:
        """What keeps dbt's unit tests out of a `dbt build` of this plan: nothing when it runs them (a full build
        whose tests have not passed for this project), else `--exclude-resource-type unit_test` with the resource
        types the environment leaves out (DBT_EXCLUDE_RESOURCE_TYPES, which the flag would override). A server's
        model tasks (a `dbt build` each with CSW_TRANSFORM_TASKS=model: csw/transform.py) take it too."""
        if self.unit_tests and not self.incremental:
            return []
        return ["--exclude-resource-type", "unit_test", *[kind for kind in _excluded(env) if kind != "unit_test"]]

    def unit_tests_ran(self, env: Mapping[str, str]) -> bool:
        """Whether a successful build of this plan ran the unit tests (dbt's DBT_EXCLUDE_RESOURCE_TYPES, which the
        test suite sets for runs about other things, leaves them out too)."""
        return self.unit_tests and not self.incremental and "unit_test" not in _excluded(env)

    @property
    def line(self) -> str:
        return f"{self.mode} build: {self.reason}"

    def heading(self, target: str) -> str:
        """The one line a build prints first: `dbt build (target duckdb, as of 2025-03-31), full build: …` and, for a
        full build, whether it runs the unit tests and why."""
        tail = f"; {self.unit_tests_reason}" if self.unit_tests_reason and not self.incremental else ""
        return f"dbt build (target {target}, as of {self.as_of}), {self.line}{tail}"


def downstream_nodes(manifest: Mapping, tables: tuple[str, ...]) -> set[str]:
    """The unique ids of every node dbt's `source:*.<table>+` picks for each of `tables` (`BuildPlan.select`), read
    from a parsed manifest's sources and `child_map`: the Cosmos task per model (CSW_TRANSFORM_TASKS=model) builds an
    incremental plan's nodes from it (csw/transform.py). The sources themselves are not nodes a build runs."""
    sources = [uid for uid, source in manifest["sources"].items() if source["name"] in tables]
    children, seen = manifest["child_map"], set()
    stack = [child for uid in sources for child in children.get(uid, [])]
    while stack:
        uid = stack.pop()
        if uid not in seen:
            seen.add(uid)
            stack.extend(children.get(uid, []))
    return seen


def _excluded(env: Mapping[str, str]) -> list[str]:
    """The resource types a dbt run in `env` leaves out (DBT_EXCLUDE_RESOURCE_TYPES, space-separated)."""
    return env.get("DBT_EXCLUDE_RESOURCE_TYPES", "").split()


def project_fingerprint(vars_: dict[str, str], project_dir: Path = DBT_PROJECT_DIR) -> str:
    """SHA-256 of every file of the dbt project (dbt's generated folders left out), of the dbt vars (the as-of date
    is not one: it is recorded on its own) and of the versions of dbt, dbt-adapters and dbt-common (the built-in
    macros, the unit-test materialisation among them), its adapters and DuckDB."""
    digest = hashlib.sha256()
    for path in sorted(p for p in project_dir.rglob("*") if p.is_file()
                       and p.relative_to(project_dir).parts[0] not in _GENERATED):
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(vars_, sort_keys=True).encode())
    for package in ("dbt-core", "dbt-adapters", "dbt-common", "dbt-duckdb", "dbt-postgres", "duckdb"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()


def inputs_fingerprint(con: Connection) -> str:
    """SHA-256 of what the models read that the loader does not record as batches: the bank holidays (replaced
    whole by `ingest.core.calendar.refresh`) and the commentary (appended by `csw commentary set`)."""
    parts = []
    for schema, table, columns in (("raw", "calendar__bank_holidays", "count(*), min(holiday_date), max(holiday_date)"),
                                   ("reporting", "commentary", "count(*), max(written_at)")):
        exists = table_exists(con, schema, table)  # a table not made yet is as an empty one (the first build makes it)
        row = first_row(con, f"select {columns} from {schema}.{table}") if exists else None
        parts.append(repr(tuple(row)) if row and row[0] else "empty")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _unit_tests_passed(con: Connection, fingerprint: str, target: str) -> int | None:
    """The build on which the unit tests last passed for this project fingerprint and target, if they have."""
    if not table_exists(con, "dq", "unit_test_passes"):
        return None
    row = first_row(con, f"select max(build_id) from {UNIT_TESTS_TABLE} where project_fingerprint = $1 and target = $2",
                    [fingerprint, target])
    return int(row[0]) if row and row[0] is not None else None


def _unit_tests(con: Connection, fingerprint: str, target: str, asked: bool | None) -> dict:
    """Whether a full build runs dbt's unit tests (`asked`: True or False regardless, None: only when they have not
    passed here for this project), and the reason its heading gives."""
    if asked is not None:
        return {"unit_tests": asked, "unit_tests_reason": f"dbt unit tests {'run' if asked else 'skipped'}: asked"}
    passed = _unit_tests_passed(con, fingerprint, target)
    if passed is None:
        return {"unit_tests": True, "unit_tests_reason": "dbt unit tests run: not yet passed here for this dbt project"}
    return {"unit_tests": False,
            "unit_tests_reason": f"dbt unit tests skipped: they passed on build {passed} for this dbt project"}


def _recorded(con: Connection) -> tuple | None:
    if not table_exists(con, "dq", "build_inputs"):
        return None
    return first_row(con, f"select build_id, as_of, project_fingerprint, inputs_fingerprint, last_batch_id, "
                          f"loaded_rows from {STATE_TABLE} order by build_id desc limit 1")


def _newest_build(con: Connection) -> tuple | None:
    if not table_exists(con, "dq", "builds"):
        return None
    return first_row(con, "select build_id, status from dq.builds order by build_id desc limit 1")


def _loaded_up_to(con: Connection, batch_id: int | None) -> int:
    return int(first_row(con, f"select count(*) from {LOADS_TABLE} where outcome = 'loaded' and batch_id <= $1",
                         [batch_id if batch_id is not None else 0])[0])


def plan_build(con: Connection, settings: Settings, as_of: date, *, full: str = "",
               unit_tests: bool | None = None) -> BuildPlan:
    """The build to run now as of `as_of`: incremental when the recorded last build shows it gives the same rows
    as a full one (module docstring), else full; `full` names a reason to build everything regardless. A full build
    runs dbt's unit tests when `unit_tests` says so, or (None) when they have not passed here for this project."""
    newest = first_row(con, f"select max(batch_id) from {LOADS_TABLE}") if table_exists(con, "raw", "_loads") else None
    last_batch = newest[0] if newest else None
    fingerprint = project_fingerprint(dbt_vars(settings))
    base = dict(as_of=as_of, project_fingerprint=fingerprint,
                inputs_fingerprint=inputs_fingerprint(con), last_batch_id=last_batch,
                loaded_rows=_loaded_up_to(con, last_batch) if newest else 0)

    def full_build(reason: str) -> BuildPlan:
        return BuildPlan("full", reason, **base, **_unit_tests(con, fingerprint, settings.target, unit_tests))

    if full:
        return full_build(full)
    if unit_tests:  # every unit test runs in a full build only (an incremental one selects a few models)
        return full_build("dbt unit tests asked for (--unit-tests)")
    recorded = _recorded(con)
    if recorded is None:
        return full_build("no complete build recorded (dq.build_inputs)")
    build_id, built_as_of, project, inputs, built_batch, built_rows = recorded
    newest_build = _newest_build(con)
    if newest_build is None or tuple(newest_build) != (build_id, "success"):
        shown = f"build {newest_build[0]} ({newest_build[1]})" if newest_build else "none"
        return full_build(f"the last dbt build, {shown}, is not the complete build {build_id} recorded")
    if str(built_as_of) != as_of.isoformat():
        return full_build(f"as of {as_of}, the last build was as of {built_as_of}")
    if project != base["project_fingerprint"]:
        return full_build("the dbt project, its vars or dbt changed since the last build")
    if inputs != base["inputs_fingerprint"]:
        return full_build("the bank holidays or the commentary changed since the last build")
    if _loaded_up_to(con, built_batch) != built_rows:
        return full_build(f"raw._loads changed at or below batch {built_batch} since the last build")
    new = con.execute(f"select distinct feed, table_name, la_code from {LOADS_TABLE} where outcome = 'loaded' "
                      "and batch_id > $1 order by table_name, la_code", [built_batch or 0]).fetchall()
    if not new:
        return full_build(f"nothing loaded since the last build (batch {built_batch})")
    before = set(map(tuple, con.execute(f"select distinct la_code, feed from {LOADS_TABLE} where outcome = 'loaded' "
                                        "and batch_id <= $1", [built_batch or 0]).fetchall()))
    case_level = {la for la, feed in before if feed not in NOT_CASE_LEVEL}
    for feed, table, la in new:
        if feed not in NOT_CASE_LEVEL and la not in case_level:
            return full_build(f"authority {la}'s first case-level file ({table}): its periods are new")
        if feed == "case_system" and (la, "case_system") not in before:
            return full_build(f"authority {la}'s first case_system extract ({table}): its statutory sources give way")
    tables = tuple(sorted({table for _, table, _ in new}))
    authorities = sorted({la for _, _, la in new})
    shared = sorted({feed for feed, _, _ in new if feed in NOT_CASE_LEVEL})
    held = {la for la, _ in before}  # the authorities of the last build (a new one's first file built everything)
    whose = "these authorities'" if len(authorities) > 1 else "this authority's"
    if shared:  # an area's figures, which any authority's rows may read: every row
        verb = "is" if len(shared) == 1 else "are"
        scope, named = f", every authority's rows ({', '.join(shared)} {verb} shared)", ()
    elif held <= set(authorities):  # no other authority's rows to keep: the tables replaced whole, as ever
        scope, named = "", ()
    else:
        scope, named = f", only {whose} rows where a model's rows are each authority's own", tuple(authorities)
    return BuildPlan("incremental", f"{len(tables)} raw table{'s' if len(tables) > 1 else ''} loaded since batch "
                     f"{built_batch} ({', '.join(tables)}; authorit{'ies' if len(authorities) > 1 else 'y'} "
                     f"{', '.join(authorities)}): only what depends on {'them' if len(tables) > 1 else 'it'}{scope}",
                     tables=tables, authorities=named, unit_tests=False,
                     unit_tests_reason="an incremental build never runs them", **base)


def record_build(con: Connection, plan: BuildPlan, target: str, env: Mapping[str, str]) -> int | None:
    """Record a successful build's inputs against the newest `dq.builds` row (the build just run), and that the unit
    tests passed for its project when it ran them (`env`: the build's environment); nothing when that row did not
    succeed. Returns the build id recorded."""
    newest = _newest_build(con)
    if newest is None or newest[1] != "success":
        return None
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with transaction(con):
        con.execute(_DDL)
        con.execute(f"insert into {STATE_TABLE} (build_id, mode, as_of, project_fingerprint, inputs_fingerprint, "
                    "last_batch_id, loaded_rows, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
                    [newest[0], plan.mode, plan.as_of, plan.project_fingerprint, plan.inputs_fingerprint,
                     plan.last_batch_id, plan.loaded_rows, now])
        if plan.unit_tests_ran(env):
            _insert_unit_test_pass(con, plan.project_fingerprint, target, newest[0], now)
    return int(newest[0])


def _insert_unit_test_pass(con: Connection, fingerprint: str, target: str, build_id: int | None, at: datetime) -> None:
    con.execute(_UNIT_TESTS_DDL)
    con.execute(f"insert into {UNIT_TESTS_TABLE} (project_fingerprint, target, build_id, recorded_at) "
                "values ($1, $2, $3, $4)", [fingerprint, target, build_id, at])


def record_unit_tests(con: Connection, settings: Settings, passed: int) -> int | None:
    """Record that dbt's unit tests passed on their own (`dbt test --select test_type:unit`, `passed` of them) for
    this project and target, against the newest `dq.builds` row (the build whose tables they ran beside). Returns
    its id; nothing is recorded when no unit test ran (DBT_EXCLUDE_RESOURCE_TYPES left them out)."""
    if passed <= 0:
        return None
    newest = _newest_build(con)
    with transaction(con):
        _insert_unit_test_pass(con, project_fingerprint(dbt_vars(settings)), settings.target,
                               newest[0] if newest else None, datetime.now(timezone.utc).replace(tzinfo=None))
    return int(newest[0]) if newest else None


def forget(con: Connection) -> None:
    """Forget every recorded build (raw rows were rewritten outside a batch, e.g. re-keyed): the next is full."""
    if table_exists(con, "dq", "build_inputs"):
        with transaction(con):
            con.execute(f"delete from {STATE_TABLE}")
