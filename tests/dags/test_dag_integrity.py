"""Every DAG imports without errors and carries tags, retries and docs (STYLE.md)."""

from __future__ import annotations

import json
import sys

from tests.dags.conftest import run

PROBE = """
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag()
out = {"errors": {k: v[-500:] for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    out["dags"][dag_id] = {
        "tags": sorted(dag.tags),
        "doc": bool(dag.doc_md),
        "catchup": dag.catchup,
        "max_active_tasks": dag.max_active_tasks,
        "tasks": {t.task_id: t.retries for t in dag.tasks},
        "upstream": {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks},
    }
print("PROBE" + json.dumps(out))
"""


def probe(env: dict[str, str]) -> dict:
    result = run([sys.executable, "-c", PROBE], env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.split("PROBE", 1)[1])


def test_dags_import_with_tags_retries_and_docs(airflow_home):
    payload = probe(airflow_home)
    assert payload["errors"] == {}
    dag = payload["dags"]["csw_pipeline"]
    assert {"csw", "pipeline"} <= set(dag["tags"])
    assert dag["doc"] and dag["catchup"] is False
    assert dag["max_active_tasks"] == 1  # DuckDB: one writer at a time
    assert dag["tasks"] == {"ingest": 0, "transform": 0, "check": 0, "export": 2}
    assert dag["upstream"] == {"ingest": [], "transform": ["ingest"], "check": ["transform"], "export": ["check"]}


def test_server_target_renders_one_task_per_model(airflow_home):
    payload = probe({**airflow_home, "CSW_TARGET": "postgres"})
    assert payload["errors"] == {}
    dag = payload["dags"]["csw_pipeline"]
    assert dag["max_active_tasks"] > 1
    tasks = dag["tasks"]
    models = [t for t in tasks if t.startswith("transform.") and t.endswith("_model_build")]
    assert len(models) >= 100
    assert "transform.fct_indicator_values_model_build" in tasks
    leaves = dag["upstream"]["check"]  # the group's last tasks (models or detached multi-parent tests)
    assert leaves and all(t.startswith("transform.") for t in leaves)
