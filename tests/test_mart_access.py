"""Every mart says who may read it (dbt_project.yml `meta.access`, docs/row-level-security.md), so a new mart
cannot reach the BI roles without a decision; `csw roles apply` refuses DuckDB, which has no row-level security.
The Postgres side: tests/server/test_row_security.py."""

from __future__ import annotations

import re

from csw.cli import main
from csw.roles import ACCESS_KINDS, LA_CODE, mart_access, reader_role
from foundation.settings import DBT_PROJECT_DIR

MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"


def test_every_mart_is_declared_child_level_or_aggregate_and_nothing_else_is():
    declared = mart_access()
    on_disk = {path.stem for path in MARTS_DIR.glob("*.sql")}
    assert set(declared) == on_disk, (
        f"undeclared marts: {sorted(on_disk - set(declared))}; declared but absent: {sorted(set(declared) - on_disk)}"
        " (dbt_project.yml, models.csw.marts: `<mart>: {+meta: {access: child_level|aggregate}}`)")
    assert {name for name, access in declared.items() if access not in ACCESS_KINDS} == set()


def test_the_child_level_marts_are_the_four_keyed_by_child():
    child_level = {name for name, access in mart_access().items() if access == "child_level"}
    assert child_level == {"fct_referrals", "fct_assessments", "fct_cp_plans", "fct_cla_episodes"}
    for name in child_level:  # the policy compares la_code: each must select it, beside the pseudonymous key
        sql = (MARTS_DIR / f"{name}.sql").read_text()
        assert re.search(r"\bas la_code\b|\.la_code\b", sql), f"{name} selects no la_code"
        assert "child_key" in sql


def test_every_mart_runs_the_security_hook():
    text = (DBT_PROJECT_DIR / "dbt_project.yml").read_text()
    marts_block = text.split("\n    marts:\n", 1)[1].split("\nseeds:", 1)[0]
    assert '+post-hook: "{{ secure_mart() }}"' in marts_block


def test_reader_role_names_carry_the_code_the_policy_reads_back():
    assert reader_role("841") == "bi_reader_841"
    assert LA_CODE.fullmatch("841") and LA_CODE.fullmatch("e08000021")
    assert not LA_CODE.fullmatch("E08000021") and not LA_CODE.fullmatch("841; drop") and not LA_CODE.fullmatch("")


def test_roles_apply_on_duckdb_refuses_with_the_reason_and_changes_nothing(settings, capsys):
    assert settings.target == "duckdb"
    assert main(["roles", "apply"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("csw: CSW_TARGET=duckdb: DuckDB has no roles and no row-level security")
    assert err.strip().endswith("Nothing was changed.")
    assert not settings.warehouse.exists()
