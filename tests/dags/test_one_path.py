"""One path for each job (issue 13): the demo DAG `csw_pipeline` only chains the product DAGs' tasks (one loader,
one gate, one writer of the return), and the as-of date of a build follows one rule, in Airflow and the CLI."""

from __future__ import annotations

import ast
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from foundation.settings import PROJECT_ROOT
from ingest.contracts import FEEDS

PRODUCT = ("transform__warehouse", "export__regional_return")


@pytest.fixture(scope="module")
def bag():
    from airflow.dag_processing.dagbag import DagBag

    dags = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert dags.import_errors == {}
    return dags


def _callable(task) -> str | None:
    function = getattr(task, "python_callable", None)
    return f"{function.__module__}.{function.__qualname__}" if function else None


def test_dag_files_define_no_task_of_their_own():
    for path in sorted((PROJECT_ROOT / "dags").glob("*.py")):
        if path.name == "dq__daily_digest.py":  # the digest is not part of the job's path
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        decorated = [d for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) for d in node.decorator_list]
        own = [ast.unparse(d) for d in decorated
               if ast.unparse(d.func if isinstance(d, ast.Call) else d).split(".")[0] == "task"]
        assert own == [], f"{path.name} defines tasks itself: {own} (build them in csw/tasks.py)"


def test_the_demo_dag_chains_only_the_product_tasks(bag):
    product = {dag_id: bag.dags[dag_id] for dag_id in bag.dags if dag_id.startswith("ingest__") or dag_id in PRODUCT}
    product_callables = {_callable(t) for dag in product.values() for t in dag.tasks} - {None}
    demo = bag.dags["csw_pipeline"]
    assert type(demo.timetable).__name__ == "NullTimetable"  # a demo: triggered, never scheduled beside the product
    for t in demo.tasks:
        if t.task_id == "transform":  # the Cosmos build: the same operator and vars as transform__warehouse's
            built = bag.dags["transform__warehouse"].get_task("transform")
            assert type(t) is type(built) and t.vars == built.vars and t.outlets == built.outlets
            continue
        assert _callable(t) in product_callables, f"csw_pipeline.{t.task_id} is not a product task"
        assert _callable(t).startswith("csw.tasks.")
    writers = {dag_id: _callable(bag.dags[dag_id].get_task("write_return")) for dag_id in ("csw_pipeline",
                                                                                        "export__regional_return")}
    assert len(set(writers.values())) == 1  # one writer of the return
    upstream = {t.task_id: sorted(t.upstream_task_ids) for t in demo.tasks}
    last_load = f"load__{list(FEEDS)[-1]}"  # the demo loads every feed in turn (ingest/contracts.py FEEDS)
    assert upstream["transform"] == [last_load] and upstream["marts_ready"] == ["transform"]
    assert upstream["quality_gate"] == ["marts_ready"] and upstream["write_return"] == ["quality_gate"]
    assert upstream["deliver"] == ["write_return"] and upstream["write_scorecard"] == ["write_return"]
    assert demo.get_task("write_return").outlets == bag.dags["export__regional_return"].get_task("write_return").outlets


def _render(bag, dag_id: str, as_of: str | None, run: SimpleNamespace) -> dict:
    dag = bag.dags[dag_id]
    task = dag.get_task("transform")
    rendered = task.render_template({"vars": task.vars, "env": task.env}, {"params": {"as_of": as_of}, "dag_run": run},
                                    jinja_env=dag.get_template_env())
    return {**rendered["vars"], "as_of": rendered["env"]["CSW_AS_OF"]}  # the as-of is dbt's environment


def test_cosmos_renders_the_as_of_of_the_one_rule(bag, settings):
    triggered = SimpleNamespace(logical_date=None, run_after=datetime(2025, 4, 2, 6, tzinfo=timezone.utc))
    scheduled = SimpleNamespace(logical_date=datetime(2025, 3, 31, tzinfo=timezone.utc),
                                run_after=datetime(2025, 4, 1, tzinfo=timezone.utc))
    for dag_id in ("transform__warehouse", "csw_pipeline"):
        assert _render(bag, dag_id, None, triggered) == {"as_of": "2025-04-02", "la_code": "841"}
        assert _render(bag, dag_id, None, scheduled) == {"as_of": "2025-03-31", "la_code": "841"}
        assert _render(bag, dag_id, "2024-12-31", scheduled) == {"as_of": "2024-12-31", "la_code": "841"}


def test_the_cli_and_the_dags_fall_back_the_same_way(settings, monkeypatch):
    from csw import dbt
    from ingest.core import runs

    run = SimpleNamespace(logical_date=None, run_after=datetime(2025, 4, 2, tzinfo=timezone.utc))
    assert dbt.run_as_of({"as_of": "2025-03-31"}, run, settings) == date(2025, 3, 31)  # given
    assert dbt.run_as_of({}, run, settings) == date(2025, 4, 2)  # else the run's date
    with pytest.raises(runs.NoAsOfDate):  # the CLI has no run date: the newest extract, and here there is none
        runs.resolve_as_of(None, settings)
    monkeypatch.setattr(runs, "latest_extract_date", lambda _: date(2025, 3, 30))
    assert runs.resolve_as_of(None, settings) == date(2025, 3, 30)
    assert runs.resolve_as_of(None, settings, run_date=date(2025, 4, 2)) == date(2025, 4, 2)
    assert dbt.dbt_env(settings, date(2025, 3, 31))["CSW_AS_OF"] == "2025-03-31"  # the as-of: dbt's environment
    assert dbt.dbt_env(settings, dbt.AS_OF)["CSW_AS_OF"] == dbt.AS_OF  # Cosmos: the same, rendered per run
    assert "as_of" not in dbt.dbt_vars(settings)  # a dbt var would make dbt re-parse the project every day
