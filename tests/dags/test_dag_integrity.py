"""Every DAG imports without errors and carries tags, retries and docs (docs/specs/STYLE.md)."""

from __future__ import annotations

import json
import sys

import pytest

from csw.assets import MARTS, feed_assets
from ingest.contracts import FEEDS, all_tables
from tests.dags.conftest import run

PROBE = """
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag()
out = {"errors": {k: v[-4000:] for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    condition = getattr(dag.timetable, "asset_condition", None)
    scheduled_on = getattr(condition, "objects", None)  # None for time-based timetables (their _NullAsset)
    out["dags"][dag_id] = {
        "tags": sorted(dag.tags),
        "doc": bool(dag.doc_md),
        "catchup": dag.catchup,
        "max_active_tasks": dag.max_active_tasks,
        "tasks": {t.task_id: t.retries for t in dag.tasks},
        "classes": {t.task_id: type(t).__name__ for t in dag.tasks},
        "emit_datasets": {t.task_id: t.emit_datasets for t in dag.tasks if hasattr(t, "emit_datasets")},
        "cache_dir": {t.task_id: str(t.cache_dir) for t in dag.tasks if getattr(t, "cache_dir", None) is not None},
        "upstream": {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks},
        "timetable": type(dag.timetable).__name__,
        "cron": getattr(dag.timetable, "expression", None),
        "schedule_assets": sorted(a.name for a in scheduled_on) if scheduled_on is not None else None,
        "any_asset": type(condition).__name__,
        "outlets": {t.task_id: sorted(f"{type(o).__name__}:{o.name}" for o in t.outlets) for t in dag.tasks},
        "sensor_mode": {t.task_id: getattr(t, "mode", None) for t in dag.tasks},
        "trigger_rule": {t.task_id: getattr(t.trigger_rule, "value", t.trigger_rule) for t in dag.tasks},
        "pre_execute": {t.task_id: getattr(getattr(t, "_pre_execute_hook", None), "__name__", None) for t in dag.tasks},
        "cosmos_load_method": {
            group_id: str(group.dbt_graph.load_method.value)
            for group_id, group in dag.task_group_dict.items() if hasattr(group, "dbt_graph")
        },
    }
print("PROBE" + json.dumps(out))
"""


def probe(env: dict[str, str]) -> dict:
    result = run([sys.executable, "-c", PROBE], env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.split("PROBE", 1)[1])


@pytest.fixture(scope="module")
def embedded(airflow_home) -> dict:
    """The DAG folder as the embedded (DuckDB) target parses it: one DagBag, read by every test that needs it."""
    return probe(airflow_home)


def test_dags_import_with_tags_retries_and_docs(embedded):
    payload = embedded
    assert payload["errors"] == {}
    dag = payload["dags"]["csw_pipeline"]
    assert {"csw", "pipeline"} <= set(dag["tags"])
    assert dag["doc"] and dag["catchup"] is False
    assert dag["max_active_tasks"] == 1  # DuckDB: one writer at a time
    loads = [f"load__{feed}" for feed in FEEDS]  # the demo chains the product's tasks (tests/dags/test_one_path.py)
    assert dag["tasks"] == {**{load: 0 for load in loads}, "transform": 0, "marts_ready": 2, "quality_gate": 0,
                            "write_return": 0, "deliver": 2, "write_scorecard": 0}
    assert dag["upstream"] == {**{load: loads[i - 1:i] for i, load in enumerate(loads)}, "transform": [loads[-1]],
                               "marts_ready": ["transform"], "quality_gate": ["marts_ready"],
                               "write_return": ["quality_gate"], "deliver": ["write_return"],
                               "write_scorecard": ["write_return"]}  # the quarter's pages after the return


def test_server_target_builds_in_one_dbt_task_by_default(airflow_home):
    """On Postgres the transform is one `dbt build` task, its models built at once by dbt's threads."""
    payload = probe({**airflow_home, "CSW_TARGET": "postgres"})
    assert payload["errors"] == {}
    transform = payload["dags"]["transform__warehouse"]
    assert transform["tasks"] == {"transform": 0} and transform["max_active_tasks"] == 1
    assert transform["classes"] == {"transform": "RefreshingBuildOperator"}  # plans, builds and records the build
    assert transform["outlets"] == {"transform": [f"Asset:{MARTS.name}"]}
    assert transform["emit_datasets"] == {"transform": False}  # the project's Asset only: no dbt JSON to read them from
    # dbt's partial parse kept from run to run (csw.transform.partial_parse_cache), in Cosmos's cache folder
    assert transform["cache_dir"]["transform"].endswith("/csw_transform")
    assert transform["cosmos_load_method"] == {}  # no task group rendered
    assert payload["dags"]["csw_pipeline"]["upstream"]["marts_ready"] == ["transform"]


def test_an_unknown_transform_tasks_setting_is_refused_by_name(airflow_home):
    payload = probe({**airflow_home, "CSW_TARGET": "postgres", "CSW_TRANSFORM_TASKS": "models"})
    errors = "\n".join(payload["errors"].values())
    assert "CSW_TRANSFORM_TASKS='models': choose build (one dbt build task, dbt's threads) or model" in errors
    assert "transform__warehouse" not in payload["dags"]


def test_server_target_renders_one_task_per_model_when_asked(airflow_home):
    payload = probe({**airflow_home, "CSW_TARGET": "postgres", "CSW_TRANSFORM_TASKS": "model"})
    assert payload["errors"] == {}
    assert payload["dags"]["transform__warehouse"]["max_active_tasks"] == 8  # the model tasks run 8 at once
    dag = payload["dags"]["csw_pipeline"]
    assert dag["max_active_tasks"] > 1
    tasks = dag["tasks"]
    models = [t for t in tasks if t.startswith("transform.") and t.endswith("_model_build")]
    assert len(models) >= 100
    assert "transform.fct_indicator_values_model_build" in tasks
    assert dag["upstream"]["marts_ready"] == ["transform.record"]  # the group's last task records the build
    assert dag["cosmos_load_method"] == {"transform": "dbt_manifest"}  # rendered from the manifest, no `dbt ls`
    # incremental on Postgres too: `plan` first, every dbt task skips itself unless planned, `record` last
    dbt_tasks = [t for t in tasks if t.startswith("transform.") and t not in ("transform.plan", "transform.record")]
    assert dag["upstream"]["transform.plan"] and not any(t.startswith("transform.")
                                                          for t in dag["upstream"]["transform.plan"])  # the loads
    assert all(dag["pre_execute"][t] == "skip_unplanned" and dag["trigger_rule"][t] == "none_failed"
               for t in dbt_tasks)
    first = [t for t in dbt_tasks if not set(dag["upstream"][t]) & set(dbt_tasks)]
    assert first and all(dag["upstream"][t] == ["transform.plan"] for t in first)
    last = [t for t in dbt_tasks if not any(t in dag["upstream"][u] for u in dbt_tasks)]
    assert sorted(last) == sorted(t for t in dag["upstream"]["transform.record"] if t != "transform.plan")
    assert dag["trigger_rule"]["transform.record"] == "none_failed"
    assert dag["outlets"]["transform.record"] == [f"Asset:{MARTS.name}"]


def test_one_ingest_dag_per_feed_and_a_transform_on_their_assets(embedded):
    payload = embedded
    assert payload["errors"] == {}
    dags = payload["dags"]
    assert {d for d in dags if d.startswith("ingest__")} == {f"ingest__{feed}" for feed in FEEDS}
    for feed in FEEDS:
        dag = dags[f"ingest__{feed}"]
        assert {"csw", "ingest", feed} <= set(dag["tags"]) and dag["doc"] and dag["catchup"] is False
        assert dag["timetable"] == "CronTriggerTimetable" and dag["cron"] == "0 0 * * *"
        assert dag["upstream"] == {"wait_for_files": [], "load": ["wait_for_files"]}
        assert dag["sensor_mode"]["wait_for_files"] == "reschedule"
        assert dag["outlets"] == {"wait_for_files": [], "load": [f"AssetAlias:raw.{feed}"]}
    transform = dags["transform__warehouse"]
    assert transform["timetable"] == "AssetTriggeredTimetable" and transform["any_asset"] == "AssetAny"
    every_raw_table = sorted(a.name for feed in FEEDS for a in feed_assets(feed))
    assert transform["schedule_assets"] == every_raw_table and len(every_raw_table) == len(all_tables())
    assert transform["outlets"] == {"transform": [f"Asset:{MARTS.name}"]}
    assert transform["max_active_tasks"] == 1 and {"csw", "transform"} <= set(transform["tags"])
    assert dags["csw_pipeline"]["outlets"]["transform"] == [f"Asset:{MARTS.name}"]
