"""The dbt step of the DAGs (`transform__warehouse`, and the demo `csw_pipeline` that chains the same tasks):
one definition, run through Cosmos.

Imported by DAG files only (Cosmos is a heavy import); the CLI runs dbt in-process through `csw.dbt`. Both
take the dbt vars from `csw.dbt.dbt_vars` and the environment from `csw.dbt.dbt_env`; here the as-of (CSW_AS_OF)
is the template `csw.dbt.AS_OF`, rendered when the task runs (the DAG passes `user_defined_macros=csw.dbt.MACROS`).
The build is incremental when the last recorded build shows it gives the same rows (csw/refresh.py), as `csw
build`'s is: inside the one `dbt build` task (every target by default); on a server target built a task per model
(CSW_TRANSFORM_TASKS=model) the group's first task, `plan`, plans it and lists the nodes it builds, each model's
task skips itself when its node is not one of them (`skip_unplanned`: the table stays as the last build made it),
and the group's last task, `record`, records the build once every task has succeeded or been skipped.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk import task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import InvocationMode, LoadMode, TestBehavior
from cosmos.operators.local import DbtBuildLocalOperator

from csw.dbt import AS_OF, dbt_env, dbt_vars
from csw.dbt_manifest import manifest_path
from foundation.settings import DBT_PROJECT_DIR, get_settings

if TYPE_CHECKING:
    from csw.refresh import BuildPlan

TARGET = os.environ.get("CSW_TARGET", "duckdb")
# How a server target's build runs (CSW_TRANSFORM_TASKS): `build` (the default), one `dbt build` task whose dbt
# threads build CSW_DBT_THREADS models at once; `model`, a task per model, as many at once as the DAG allows, each
# retried and shown on its own, at a few seconds of Airflow and dbt start-up per task (docs/regional-hub.md
# measures both). DuckDB always builds in one task: one writer to its file.
TRANSFORM_TASKS = os.environ.get("CSW_TRANSFORM_TASKS", "build")
if TRANSFORM_TASKS not in ("build", "model"):
    raise ValueError(f"CSW_TRANSFORM_TASKS={TRANSFORM_TASKS!r}: choose build (one dbt build task, dbt's threads) "
                     "or model (a task per model, on a server target)")
PER_MODEL = TARGET != "duckdb" and TRANSFORM_TASKS == "model"
MAX_ACTIVE_TASKS = 8 if PER_MODEL else 1  # transform__warehouse's tasks at once: 8 model tasks, or the one build
PLAN_TASK = "transform.plan"  # the task-per-model group's first task (CSW_TRANSFORM_TASKS=model)


def partial_parse_cache() -> Path | None:
    """Where the one build task keeps dbt's partial parse from one run to the next: a folder of Cosmos's cache
    (`[cosmos] cache_dir`), or None when Cosmos's cache or its partial-parse cache is turned off. Cosmos runs dbt
    in a new copy of the project each time, so without it every run parsed the whole project (4.5-4.8 s); with it a
    run parses only what changed (the as-of: `int_periods`, 1.2 s; nothing: 0.7 s). A task group of Cosmos (the
    task per model) keeps its own."""
    from cosmos import settings as cosmos_settings

    if not (cosmos_settings.enable_cache and cosmos_settings.enable_cache_partial_parse):
        return None
    return Path(cosmos_settings.cache_dir) / "csw_transform"


class RefreshingBuildOperator(DbtBuildLocalOperator):
    """Cosmos's one `dbt build` task, planned by `csw.refresh.plan_build` when it runs: only what depends on the
    raw tables loaded since the last recorded build, or everything (the task's log says which and why); a
    successful build is recorded for the next. dbt runs in this process after the plan's connection is closed
    (one writer to a DuckDB file)."""

    def _update_partial_parse_cache(self, tmp_dir_path: Path) -> None:
        """Keep dbt's partial parse for the next run (`partial_parse_cache`). Cosmos's own copy takes dbt's
        manifest.json with it and fails without one, and a planned build writes none (`--no-write-json`)."""
        from cosmos.dbt.project import get_partial_parse_path
        from cosmos.fs import safe_copy

        parsed = get_partial_parse_path(tmp_dir_path)
        if self.cache_dir is None or not parsed.is_file():
            return
        kept = get_partial_parse_path(Path(self.cache_dir))
        kept.parent.mkdir(parents=True, exist_ok=True)
        safe_copy(parsed, kept)  # atomic: a run starting meanwhile reads the old file or the new one

    def execute(self, context: Any, **kwargs: Any) -> None:
        from csw.refresh import plan_build, record_build
        from foundation.warehouse import connect

        settings = get_settings()
        con = connect(settings)
        try:
            plan = plan_build(con, settings, date.fromisoformat(str(self.env["CSW_AS_OF"])))
        finally:
            con.close()
        print(plan.heading(settings.target))
        env = {**os.environ, **(self.env or {})}
        self.dbt_cmd_flags = [*(self.dbt_cmd_flags or []), *plan.dbt_args(env)]
        self.env = {**(self.env or {}), **plan.dbt_env()}
        super().execute(context, **kwargs)  # raises when dbt fails: nothing is recorded
        con = connect(settings)
        try:
            record_build(con, plan, settings.target, env)
        finally:
            con.close()


def planned_selections(plan: BuildPlan, manifest: dict) -> list[str] | None:
    """What the model tasks of a plan build, as Cosmos selects them: None for a full build (every task), else each
    node dbt's `BuildPlan.select` picks, as `fqn:<its fqn>` (a model's, seed's or snapshot's task under
    TestBehavior.BUILD) and by name (a test detached from its several parents)."""
    from csw.refresh import downstream_nodes

    if not plan.incremental:
        return None
    nodes = [manifest["nodes"][uid] for uid in sorted(downstream_nodes(manifest, plan.tables))
             if uid in manifest["nodes"]]  # a unit test runs inside its model's `dbt build` task
    return sorted({f"fqn:{'.'.join(node['fqn'])}" for node in nodes} | {node["name"] for node in nodes})


def skip_unplanned(context: Any) -> None:
    """A model task's pre-execute hook: skip it (AirflowSkipException) when the `plan` task's build is incremental and
    its node is not one of those it builds; its table stays as the last build made it. A task that runs a
    `dbt build` (a model with its data tests, and its unit tests) leaves the unit tests out when the plan does
    (`BuildPlan.unit_test_args`: an incremental build, or a full one whose unit tests passed for this project), as
    `csw build` and the DuckDB task do."""
    from airflow.sdk.exceptions import AirflowSkipException

    from csw.refresh import BuildPlan

    planned = context["ti"].xcom_pull(task_ids=PLAN_TASK)
    task = context["task"]
    if planned["select"] is not None:
        select = task.select
        if not set([select] if isinstance(select, str) else select or []) & set(planned["select"]):
            raise AirflowSkipException("incremental build: nothing it reads was loaded since the last build; its "
                                       "table stays as that build made it")
    plan = BuildPlan.from_dict(planned["plan"])
    task.env = {**(task.env or {}), **plan.dbt_env()}  # the authorities whose rows an incremental build replaces
    if task.base_cmd == ["build"]:
        env = {**os.environ, **task.env}
        task.dbt_cmd_flags = [*(task.dbt_cmd_flags or []), *plan.unit_test_args(env)]


@task(task_id="plan", retries=0)
def _plan(as_of: str) -> dict:
    """Plan the build (csw/refresh.py) and list what the model tasks build (`planned_selections`)."""
    import json

    from csw.refresh import plan_build
    from foundation.warehouse import connect

    settings = get_settings()
    con = connect(settings)
    try:
        plan = plan_build(con, settings, date.fromisoformat(as_of))
    finally:
        con.close()
    manifest = json.loads(manifest_path(TARGET).read_text(encoding="utf-8"))
    select = planned_selections(plan, manifest)
    print(plan.heading(settings.target)
          + (f"; {len(select)} selections for the model tasks, the others skip" if select is not None else ""))
    return {"plan": plan.as_dict(), "select": select}


@task(task_id="record", retries=0, trigger_rule="none_failed")
def _record(planned: dict) -> None:
    """Record the build the model tasks made (every one succeeded or was skipped), for the next plan."""
    from csw.dbt import dbt_env
    from csw.refresh import BuildPlan, record_build
    from foundation.warehouse import connect

    settings = get_settings()
    con = connect(settings)
    try:
        build_id = record_build(con, BuildPlan.from_dict(planned["plan"]), settings.target,
                                {**os.environ, **dbt_env(settings, planned["plan"]["as_of"])})
    finally:
        con.close()
    print(f"recorded build {build_id}" if build_id is not None
          else "not recorded: the newest dbt build did not succeed")


def transform_step(outlets: list | None = None):
    """dbt build through Cosmos as of the run's as-of date (`csw.dbt.AS_OF`), `outlets` marked updated on success.

    DuckDB allows one writing process per file, and a task per model costs seconds of start-up each (a few
    hundred nodes), so the build is one `dbt build` task (incremental when it can be: `RefreshingBuildOperator`),
    on a server target with dbt's threads. With CSW_TRANSFORM_TASKS=model a server target (Postgres) gets one task
    per model instead, run in parallel by the scheduler, between `plan` and `record` (module docstring), and the
    outlets go on `record`. A model task runs when none of its upstream tasks failed (`none_failed`: an upstream one
    skipped by the plan is as the last build left it)."""
    profile_config = ProfileConfig(
        profile_name="csw", target_name=TARGET, profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml"
    )
    settings = get_settings()
    dbt_args = {
        "install_deps": False,
        "vars": dbt_vars(settings),
        # the as-of, rendered per run, and the absolute warehouse path: Cosmos runs dbt from a temporary copy
        "env": dbt_env(settings, AS_OF),
    }
    if not PER_MODEL:
        return RefreshingBuildOperator(
            task_id="transform",
            project_dir=DBT_PROJECT_DIR,
            profile_config=profile_config,
            invocation_mode=InvocationMode.DBT_RUNNER,
            retries=0,
            outlets=list(outlets or []),
            # the build's Assets are the project's own (`outlets`, csw/assets.py); Cosmos's per-table ones would come
            # from dbt's run_results.json, which a build planned by csw/refresh.py does not write (`dbt_args`)
            emit_datasets=False,
            cache_dir=partial_parse_cache(),
            **dbt_args,
        )
    group = DbtTaskGroup(
        group_id="transform",
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT_DIR, manifest_path=manifest_path(TARGET), project_name="csw"
        ),
        profile_config=profile_config,
        execution_config=ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.BUILD,
            should_detach_multiple_parents_tests=True,  # a relationships test runs after both models
        ),
        operator_args={**dbt_args, "pre_execute": skip_unplanned, "trigger_rule": "none_failed"},
        default_args={"retries": 0},
    )
    roots, leaves = list(group.roots), list(group.leaves)
    with group:
        planned = _plan(AS_OF)
        recorded = _record(planned)
    planned >> roots
    leaves >> recorded.operator
    recorded.operator.outlets = [*(outlets or [])]  # the marts are rebuilt when the build is recorded
    return group
