"""The statutory return DAGs (dags/export__statutory_returns.py, dags/export__annex_a.py): 903 and CIN census
yearly after the collection year, Annex A by hand with its date; tasks from csw/tasks.py, the validator in its own
venv through ExternalPythonOperator, whose shipped function runs there on its own."""

from __future__ import annotations

import copy
import inspect
import json
import subprocess
import textwrap
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from foundation.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def bag():
    from airflow.dag_processing.dagbag import DagBag

    dags = {}
    for name in ("export__statutory_returns.py", "export__annex_a.py"):
        found = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / name))
        assert found.import_errors == {}
        dags.update(found.dags)
    return dags


def test_903_and_cin_run_yearly_after_the_year_export_then_validate(bag):
    from airflow.providers.standard.operators.python import ExternalPythonOperator

    from foundation.settings import get_settings

    assert sorted(bag) == ["export__annex_a", "export__cin_census", "export__ssda903"]
    for dag_id in ("export__ssda903", "export__cin_census"):
        dag = bag[dag_id]
        assert type(dag.timetable).__name__ == "CronTriggerTimetable" and dag.doc_md and dag.catchup is False
        assert dag.timetable.expression == "0 6 15 4 *" and str(dag.timetable.timezone) == "Europe/London"
        assert {"csw", "export", "statutory"} <= set(dag.tags) and dag.max_active_tasks == 1
        assert {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks} == {
            "export": [], "validation_input": ["export"], "dfe_validator": ["validation_input"],
            "store_dfe_findings": ["dfe_validator", "validation_input"]}
        validator = dag.get_task("dfe_validator")
        assert isinstance(validator, ExternalPythonOperator) and validator.expect_airflow is False
        assert validator.python == str(get_settings().validators_python)
        assert validator.python_callable.__module__ == "csw.tasks"
        assert dag.params.dump() == {"year": None, "out": None}
    from airflow.timetables.base import TimeRestriction
    from airflow.timetables.trigger import CronTriggerTimetable

    from csw.tasks import _collection_year

    schedule = bag["export__ssda903"].timetable  # its first run from 2025: 15 April 2025, 06:00 BST
    first = CronTriggerTimetable(schedule.expression, timezone=schedule.timezone).next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=datetime(2025, 1, 1, tzinfo=timezone.utc), latest=None, catchup=True))
    assert first.run_after == datetime(2025, 4, 15, 5, tzinfo=timezone.utc)
    run = SimpleNamespace(logical_date=first.run_after, run_after=first.run_after)
    assert _collection_year({"params": {}, "dag_run": run}) == "2024-25"


def test_annex_a_is_triggered_by_hand_with_its_date(bag):
    from airflow.sdk.exceptions import ParamValidationError

    dag = bag["export__annex_a"]
    assert type(dag.timetable).__name__ == "NullTimetable" and dag.doc_md
    assert [t.task_id for t in dag.tasks] == ["export"]
    with pytest.raises(ParamValidationError):  # `as_of` is required: a trigger without it is refused
        dag.params.validate()
    params = copy.deepcopy(dag.params)
    params["as_of"] = "2025-03-31"
    assert params.validate() == {"as_of": "2025-03-31", "out": None}
    with pytest.raises(ParamValidationError):  # a date, YYYY-MM-DD
        params["as_of"] = "31/03/2025"


def test_a_runs_collection_year_is_the_one_that_ended_before_its_date():
    from csw.tasks import _collection_year
    from foundation.periods import last_complete_collection_year

    assert last_complete_collection_year(date(2025, 4, 15)) == "2024-25"
    assert last_complete_collection_year(date(2025, 4, 1)) == "2024-25"  # 2024-25 ended the day before
    assert last_complete_collection_year(date(2025, 3, 31)) == "2023-24"  # its last day: not over yet
    assert last_complete_collection_year(date(2025, 1, 10)) == "2023-24"
    assert last_complete_collection_year(date(2000, 4, 15)) == "1999-00"
    scheduled = SimpleNamespace(logical_date=datetime(2026, 4, 15, 5, tzinfo=timezone.utc), run_after=None)
    assert _collection_year({"params": {}, "dag_run": scheduled}) == "2025-26"
    assert _collection_year({"params": {"year": "2023-24"}, "dag_run": scheduled}) == "2023-24"  # param wins


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
