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


def test_planted_blocking_defects_stop_the_return_until_a_named_release(planted, smtp_server, monkeypatch):
    """Under the shipped policy (expectations/policy.yml) the planted DfE findings are warnings (one record each,
    far under 5% of the children in scope), the broken key and the quarantined file block; a named release
    lets the quarter out, alerted to the team and printed in the manifest."""
    import json

    _, _, warehouse, output = planted
    monkeypatch.setenv("CSW_ALERT_TO", "performance@example.org")
    env = pipeline_env(warehouse.parent.parent)  # the planted run's settings, with the test SMTP server
    failures = _latest_failures(warehouse)
    blocking = sorted(f"{suite} / {check}" for (suite, check), (severity, _) in failures.items()
                      if severity == "blocking")
    assert blocking == ["loads / quarantined_files_are_resent",
                        "staging_relationships / cla_placements_start_within_an_episode"]
    overlap = failures[("dfe_validation", "903 501")]
    assert overlap[0] == "warning" and "children looked after; a warning (blocks if > 5%)]" in overlap[1]

    refused = run_csw(["export", "regional", "--period", "2024-25Q4"], env, check=False)
    assert refused.returncode == 1
    assert "2 blocking check(s) failed: loads.quarantined_files_are_resent (_loads), " \
           "staging_relationships.cla_placements_start_within_an_episode" in refused.stderr
    assert not (output / "regional").exists()

    released = run_csw(["dq", "release", "--period", "2024-25Q4", "--by", "A. Head of Service",
                        "--reason", "placement corrected at source; health file resent next week"], env)
    assert "released by A. Head of Service" in released.stdout
    [alert] = smtp_server
    assert alert["Subject"] == "[csw] Regional return 841 2024-25Q4 released by A. Head of Service despite " \
                               "2 blocking failures"

    run_csw(["export", "regional", "--period", "2024-25Q4"], env)
    manifest = json.loads((output / "regional" / "841" / "2024-25Q4" / "manifest.json").read_text())
    assert manifest["release"]["blocking_checks"] == blocking
    assert manifest["data_quality"]["status"] == "FAILED"
