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


def test_dags_import_with_tags_retries_and_docs(airflow_home):
    result = run([sys.executable, "-c", PROBE], airflow_home)
    assert result.returncode == 0, result.stderr[-3000:]
    payload = json.loads(result.stdout.split("PROBE", 1)[1])
    assert payload["errors"] == {}
    dag = payload["dags"]["csw_pipeline"]
    assert {"csw", "pipeline"} <= set(dag["tags"])
    assert dag["doc"] and dag["catchup"] is False
    assert dag["max_active_tasks"] == 1  # DuckDB: one writer at a time
    tasks = dag["tasks"]
    assert {"ingest", "check", "export", "transform.fct_indicator_values_model_build"} <= set(tasks)
    assert tasks["export"] == 2
    assert "check" in dag["upstream"]["export"]
    leaves = dag["upstream"]["check"]  # the transform group's last tasks (models or detached tests)
    assert leaves and all(t.startswith("transform.") for t in leaves)
    assert any("fct_indicator_values" in t for t in leaves)
    models = [t for t in tasks if t.startswith("transform.") and t.endswith("_model_build")]
    assert len(models) >= 30
