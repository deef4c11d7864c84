"""Pseudonymous child keys: HMAC-SHA256(secret, "<la_code>:<person_id>"), hex.

Computed here, once per person id as raw rows arrive, into `raw._child_keys`; staging swaps every
`*_person_id` for this key (macro `child_key`). The secret comes from CSW_PSEUDONYMISATION_SECRET; in a
regional hub each authority has its own (CSW_PSEUDONYMISATION_SECRET_<la_code>, `Settings.secret_for`);
rotating it means re-keying (`rekey`), which changes every child_key in the marts.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable

import pandas as pd

from foundation.warehouse import Connection, lock_in_transaction, transaction, write_frame
from ingest.core.contract import TableContract

CHILD_KEYS_TABLE = "raw._child_keys"
_DDL = f"""
create table if not exists {CHILD_KEYS_TABLE} (
    la_code varchar not null,
    person_id varchar not null,
    child_key varchar not null,
    primary key (la_code, person_id)
)
"""


def child_key(secret: str, la_code: str, person_id: str) -> str:
    return hmac.new(secret.encode("utf-8"), f"{la_code}:{person_id}".encode("utf-8"), hashlib.sha256).hexdigest()


def person_id_columns(contract: TableContract) -> list[str]:
    return [c.name for c in contract.columns
            if c.name == "person_id" or c.name.endswith("_person_id") or c.name in contract.person_id_columns]


def ensure_table(con: Connection) -> None:
    con.execute(_DDL)


def add_keys(con: Connection, secret: str, la_code: str, person_ids: Iterable[str]) -> int:
    """Insert keys for ids not yet keyed; returns how many were added. Runs inside the caller's transaction.
    On Postgres two loads of one authority (two feeds' DAGs at once) key one at a time: each would otherwise
    miss the other's uncommitted keys and the second insert break the (la_code, person_id) key."""
    ids = {p for p in person_ids if p is not None and p == p}
    if not ids:
        return 0
    lock_in_transaction(con, f"csw.child keys {la_code}")  # held to the file's commit; other authorities go on
    keyed = con.execute(f"select person_id from {CHILD_KEYS_TABLE} where la_code = $1", [la_code]).fetchall()
    new = sorted(ids - {person_id for (person_id,) in keyed})
    write_frame(con, CHILD_KEYS_TABLE, _keys(secret, [(la_code, p) for p in new]))
    return len(new)


def rekey(con: Connection, secret: str | Callable[[str], str]) -> int:
    """Recompute every key with a new secret (secret rotation), or each authority's with its own (`secret` a
    function of the la_code, `Settings.secret_for`). Returns the number of keys rewritten."""
    rows = con.execute(f"select la_code, person_id from {CHILD_KEYS_TABLE}").fetchall()
    with transaction(con):
        con.execute(f"delete from {CHILD_KEYS_TABLE}")
        write_frame(con, CHILD_KEYS_TABLE, _keys(secret, rows))
    return len(rows)


def _keys(secret: str | Callable[[str], str], people: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """`raw._child_keys` rows for (la_code, person_id) pairs."""
    secrets: dict[str, str] = {}
    def of(la: str) -> str:
        if la not in secrets:
            secrets[la] = secret if isinstance(secret, str) else secret(la)
        return secrets[la]
    return pd.DataFrame([(la, p, child_key(of(la), la, p)) for la, p in people],
                        columns=["la_code", "person_id", "child_key"])
