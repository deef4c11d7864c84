"""Pseudonymous child keys: HMAC-SHA256(secret, "<la_code>:<person_id>"), hex.

Computed here, once per person id as raw rows arrive, into `raw._child_keys`; staging swaps every
`*_person_id` for this key (macro `child_key`). The secret comes from CSW_PSEUDONYMISATION_SECRET;
rotating it means re-keying (`rekey`), which changes every child_key in the marts.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

import pandas as pd

from foundation.warehouse import Connection

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
    return [c.name for c in contract.columns if c.name == "person_id" or c.name.endswith("_person_id")]


def ensure_table(con: Connection) -> None:
    con.execute(_DDL)


def add_keys(con: Connection, secret: str, la_code: str, person_ids: Iterable[str]) -> int:
    """Insert keys for ids not yet keyed; returns how many were added. Runs inside the caller's transaction."""
    ids = sorted({p for p in person_ids if p is not None and p == p})
    if not ids:
        return 0
    frame = pd.DataFrame({"la_code": la_code, "person_id": ids})
    frame["child_key"] = [child_key(secret, la_code, p) for p in ids]
    con.register("_csw_keys", frame)
    try:
        before = con.execute(f"select count(*) from {CHILD_KEYS_TABLE}").fetchall()[0][0]
        con.execute(
            f"insert into {CHILD_KEYS_TABLE} select k.la_code, k.person_id, k.child_key from _csw_keys as k "
            f"where not exists (select 1 from {CHILD_KEYS_TABLE} as t where t.la_code = k.la_code and t.person_id = k.person_id)"
        )
        return con.execute(f"select count(*) from {CHILD_KEYS_TABLE}").fetchall()[0][0] - before
    finally:
        con.unregister("_csw_keys")


def rekey(con: Connection, secret: str) -> int:
    """Recompute every key with a new secret (secret rotation). Returns the number of keys rewritten."""
    frame = con.execute(f"select la_code, person_id from {CHILD_KEYS_TABLE}").df()
    frame["child_key"] = [child_key(secret, la, p) for la, p in zip(frame["la_code"], frame["person_id"])]
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {CHILD_KEYS_TABLE}")
        con.register("_csw_keys", frame)
        con.execute(f"insert into {CHILD_KEYS_TABLE} select la_code, person_id, child_key from _csw_keys")
        con.unregister("_csw_keys")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(frame)
