"""The dbt step of the DAGs (`transform__warehouse`, and the demo `csw_pipeline` that chains the same tasks):
one definition, run through Cosmos.

Imported by DAG files only (Cosmos is a heavy import); the CLI runs dbt in-process through `csw.dbt`. Both
take the dbt vars from `csw.dbt.dbt_vars`; here the as-of is the template `csw.dbt.AS_OF`, rendered when the
task runs (the DAG passes `user_defined_macros=csw.dbt.MACROS`). On DuckDB the one task's build is incremental
when the last recorded build shows it gives the same rows (csw/refresh.py), as `csw build`'s is.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import InvocationMode, LoadMode, TestBehavior
from cosmos.operators.local import DbtBuildLocalOperator

from csw.dbt import AS_OF, dbt_env, dbt_vars
from csw.dbt_manifest import manifest_path
from foundation.settings import DBT_PROJECT_DIR, get_settings

TARGET = os.environ.get("CSW_TARGET", "duckdb")


class RefreshingBuildOperator(DbtBuildLocalOperator):
    """Cosmos's one `dbt build` task, planned by `csw.refresh.plan_build` when it runs: only what depends on the
    raw tables loaded since the last recorded build, or everything (the task's log says which and why); a
    successful build is recorded for the next. dbt runs in this process after the plan's connection is closed
    (one writer to a DuckDB file)."""

    def execute(self, context: Any, **kwargs: Any) -> None:
        from csw.refresh import plan_build, record_build
        from foundation.warehouse import connect

        settings = get_settings()
        con = connect(settings)
        try:
            plan = plan_build(con, settings, date.fromisoformat(str(self.vars["as_of"])))
        finally:
            con.close()
        print(plan.heading(settings.target))
        env = {**os.environ, **(self.env or {})}
        self.dbt_cmd_flags = [*(self.dbt_cmd_flags or []), *plan.dbt_args(env)]
        super().execute(context, **kwargs)  # raises when dbt fails: nothing is recorded
        con = connect(settings)
        try:
            record_build(con, plan, settings.target, env)
        finally:
            con.close()


def transform_step(outlets: list | None = None):
    """dbt build through Cosmos as of the run's as-of date (`csw.dbt.AS_OF`), `outlets` marked updated on success.

    DuckDB allows one writing process per file, and a task per model costs seconds of start-up each (a few
    hundred nodes), so the embedded target runs one `dbt build` task (incremental when it can be:
    `RefreshingBuildOperator`); a server target (Postgres) gets one
    task per model, run in parallel by the scheduler, and the outlets go on the group's last tasks."""
    profile_config = ProfileConfig(
        profile_name="csw", target_name=TARGET, profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml"
    )
    settings = get_settings()
    dbt_args = {
        "install_deps": False,
        "vars": dbt_vars(settings, AS_OF),
        "env": dbt_env(settings),  # absolute warehouse path: Cosmos runs dbt from a temporary copy
    }
    if TARGET == "duckdb":
        return RefreshingBuildOperator(
            task_id="transform",
            project_dir=DBT_PROJECT_DIR,
            profile_config=profile_config,
            invocation_mode=InvocationMode.DBT_RUNNER,
            retries=0,
            outlets=list(outlets or []),
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
        operator_args=dbt_args,
        default_args={"retries": 0},
    )
    for leaf in group.leaves:  # the marts are rebuilt when every last task of the group has succeeded
        leaf.outlets = [*leaf.outlets, *(outlets or [])]
    return group
