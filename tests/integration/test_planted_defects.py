"""The data quality gate on generated data: clean data passes every blocking check; data with every planted
defect (csw generate --defects all) makes `csw check` exit 1, each defect caught by its named check."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from synthetic.defects import DEFECTS
from tests.conftest import WITHOUT_DBT_UNIT_TESTS
from tests.integration.conftest import AS_OF, pipeline_env, run_csw


def _latest_failures(warehouse: Path) -> dict[tuple[str, str], tuple[str, str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select suite, check_name, severity, message from dq.check_results where status = 'failed' and run_id = "
            "(select run_id from dq.runs order by started_at desc limit 1)").fetchall()
    finally:
        con.close()
    return {(suite, check): (severity, message) for suite, check, severity, message in rows}


def test_clean_generated_data_passes_every_blocking_check(pipeline):
    failures = _latest_failures(pipeline.warehouse)
    blocking = {k: v for k, v in failures.items() if v[0] == "blocking"}
    assert blocking == {}
    assert "0 blocking failures" in pipeline.stdout and "status PASSED" in pipeline.stdout
    # none of the planted defects' checks fires on clean data
    assert not {(d.suite, d.check_name) for d in DEFECTS.values()} & set(failures)
    assert "Data Docs: " in pipeline.stdout


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A small extract (a fifth of the LA) with every defect planted, loaded, built (no dbt unit tests: the
    `pipeline` run has them) and checked: each defect breaks one record, so the size does not matter."""
    base = tmp_path_factory.mktemp("planted")
    env = {**pipeline_env(base), **WITHOUT_DBT_UNIT_TESTS}
    landing = base / "landing"
    generated = run_csw(["generate", "--out", str(landing), "--seed", "7", "--scale", "0.2", "--defects", "all"], env)
    run_csw(["ingest", "--landing", str(landing), "--as-of", AS_OF], env)
    run_csw(["build", "--as-of", AS_OF], env)
    checked = run_csw(["check", "--as-of", AS_OF], env, check=False)
    return generated, checked, Path(env["CSW_WAREHOUSE"]), Path(env["CSW_OUTPUT"])


def test_generate_reports_each_planted_defect_and_its_check(planted):
    generated, *_ = planted
    for defect in DEFECTS.values():
        assert f"planted defect {defect.name} " in generated.stdout and defect.check in generated.stdout


def test_csw_check_exits_1_naming_each_defect(planted):
    _, checked, warehouse, output = planted
    assert checked.returncode == 1, checked.stdout[-3000:] + checked.stderr[-3000:]
    failures = _latest_failures(warehouse)
    for defect in DEFECTS.values():
        key = (defect.suite, defect.check_name)
        assert key in failures, f"{defect.name} was not caught by {defect.check}"
        assert failures[key][0] == defect.severity
        assert defect.check_name in checked.stdout  # the command's table names each failing check
    assert (output / "data-docs" / "index.html").exists()
