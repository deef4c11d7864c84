"""The statutory_validation DAG: manual, three tasks from csw/tasks.py, the validator in its own venv through
ExternalPythonOperator; the function shipped to that venv runs there on its own."""

from __future__ import annotations

import inspect
import json
import subprocess
import textwrap

import pytest

from foundation.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "statutory_validation.py"))
    assert bag.import_errors == {}
    return bag.dags["statutory_validation"]


def test_the_dag_is_manual_with_its_params_and_three_tasks(dag):
    from airflow.providers.standard.operators.python import ExternalPythonOperator

    from foundation.settings import get_settings

    assert type(dag.timetable).__name__ == "NullTimetable" and dag.doc_md
    assert {"csw", "statutory"} <= set(dag.tags)
    assert {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks} == {
        "validation_input": [], "dfe_validator": ["validation_input"],
        "store_dfe_findings": ["dfe_validator", "validation_input"]}
    validator = dag.get_task("dfe_validator")
    assert isinstance(validator, ExternalPythonOperator) and validator.expect_airflow is False
    assert validator.python == str(get_settings().validators_python)
    assert validator.python_callable.__module__ == "csw.tasks"
    assert {k: dag.params[k] for k in ("return", "year", "dir")} == {"return": "ssda903", "year": "2024-25", "dir": None}


def test_the_shipped_function_runs_in_the_validators_venv(validators_python, tmp_path):
    """ExternalPythonOperator runs the callable's source in the other interpreter: it must need nothing of ours
    but driver.py."""
    from csw.tasks import _validate_in_venv
    from expectations.dfe_validators.runner import prepare_request, read_result
    from tests.dfe_validators.conftest import CIN_FILE

    request = prepare_request("cin", "2024-25", CIN_FILE, tmp_path / "work")
    script = (textwrap.dedent(inspect.getsource(_validate_in_venv))
              + f"\nimport json\nprint(_validate_in_venv(json.loads({json.dumps(request)!r})))\n")
    done = subprocess.run([str(validators_python), "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(tmp_path / "work")
    run = read_result(request)
    assert sorted({f.child_id for f in run.findings if f.rule_code == "4011"}) == ["P2002"]
