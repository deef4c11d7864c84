"""A suite's validation (expectations.gx_runs): BASIC when it passes, the run's own format when anything fails,
one stored result per suite either way (the Data Docs show one validation of each)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from expectations.table_checks import RESULT_FORMAT


def _validator():
    from expectations.gx_pandas import PandasValidator

    return PandasValidator(RESULT_FORMAT, run_name="test-run", run_time=datetime(2025, 3, 31, 9, 0))


def _suite(name: str):
    from expectations._gx import gx, gxe

    suite = gx.ExpectationSuite(name=name)
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="person_id", meta={"check_name": "not_null"}))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="code", value_set=["A", "B"],
                                                          meta={"check_name": "in_set"}))
    return suite


def _stored(validator) -> list:
    return list(validator.context.validation_results_store.list_keys())


def test_a_passing_suite_is_validated_with_basic_and_stored_once():
    validator = _validator()
    frame = pd.DataFrame({"person_id": ["P1", "P2"], "code": ["A", "B"]})

    results = validator.validate(_suite("passes"), frame)

    assert [r.success for r in results] == [True, True]
    assert [r.result["unexpected_count"] for r in results] == [0, 0]
    assert all("partial_unexpected_index_list" not in r.result for r in results)  # BASIC: no indices asked for
    assert len(_stored(validator)) == 1


def test_a_failing_suite_is_validated_again_with_the_runs_format_which_replaces_the_stored_result():
    validator = _validator()
    frame = pd.DataFrame({"person_id": ["P1", None, "P3"], "code": ["A", "Z", "B"]})

    results = validator.validate(_suite("fails"), frame)

    by_name = {r.expectation_config.meta["check_name"]: r for r in results}
    assert not by_name["not_null"].success and by_name["not_null"].result["partial_unexpected_index_list"] == [1]
    assert by_name["in_set"].result["partial_unexpected_list"] == ["Z"]
    assert by_name["in_set"].result["partial_unexpected_index_list"] == [1]
    assert len(_stored(validator)) == 1
    stored = validator.context.validation_results_store.get(_stored(validator)[0])
    assert all("partial_unexpected_index_list" in r.result for r in stored.results)  # SUMMARY's, not BASIC's


def test_the_same_suite_on_another_frame_reuses_its_definition():
    """A failure's re-run per authority validates the same suite object on each authority's rows."""
    validator = _validator()
    suite = _suite("per_authority")

    first = validator.validate(suite, pd.DataFrame({"person_id": ["P1"], "code": ["A"]}))
    second = validator.validate(suite, pd.DataFrame({"person_id": [None], "code": ["A"]}))

    assert [r.success for r in first] == [True, True]
    assert [r.success for r in second] == [False, True]
    assert [d.name for d in validator.context.validation_definitions.all()] == ["per_authority"]


def test_a_batch_is_not_fingerprinted():
    """GX hashes each value of a pandas batch for a marker nothing reads (expectations/_gx.py): turned off, the
    validation itself unchanged. GX still reading that threshold is what keeps it off: if an upgrade renames it,
    the marker comes back and this fails."""
    validator = _validator()

    results = validator.validate(_suite("fingerprint"), pd.DataFrame({"person_id": ["P1"], "code": ["A"]}))

    assert [r.success for r in results] == [True, True]
    stored = validator.context.validation_results_store.get(_stored(validator)[0])
    assert "pandas_data_fingerprint" not in stored.meta["batch_markers"]
    assert "ge_load_time" in stored.meta["batch_markers"]  # GX's other marker: the markers are there, less one
