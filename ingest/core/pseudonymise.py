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
from operator import itemgetter

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


class KnownKeys:
    """What a load has seen in the warehouse, by scope: the ids of each authority keyed in `raw._child_keys` (scope:
    the la_code), so each file looks up only the ids it brings that no earlier file did (a load's files name the
    same children again and again); and the columns of each raw table (scope: the table, `load._ensure_table`).
    What a file's transaction keyed, added or found is held apart until it commits (`commit`); a file rolled back
    (`discard`) leaves nothing behind. Keys and columns are never deleted (`rekey` writes the same ids back), so a
    known one stays."""

    def __init__(self) -> None:
        self._committed: dict[str, set[str]] = {}
        self._pending: dict[str, set[str]] = {}

    def unknown(self, scope: str, ids: set[str]) -> set[str]:
        return ids - self._committed.get(scope, set()) - self._pending.get(scope, set())

    def add(self, scope: str, ids: set[str]) -> None:
        self._pending.setdefault(scope, set()).update(ids)

    def commit(self) -> None:
        for scope, ids in self._pending.items():
            self._committed.setdefault(scope, set()).update(ids)
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()


def add_keys(con: Connection, secret: str, la_code: str, person_ids: Iterable[str],
             known: KnownKeys | None = None) -> int:
    """Insert keys for ids not yet keyed; returns how many were added. Runs inside the caller's transaction;
    with `known` (the load's `KnownKeys`, committed or discarded with that transaction) only ids it does not
    hold are looked up. On Postgres two loads of one authority (two feeds' DAGs at once) key one at a time: each
    would otherwise miss the other's uncommitted keys and the second insert break the (la_code, person_id) key."""
    ids = set(_distinct(person_ids))
    if known is not None:
        ids = known.unknown(la_code, ids)
    if not ids:
        return 0
    lock_in_transaction(con, f"csw.child keys {la_code}")  # held to the file's commit; other authorities go on
    keyed = con.execute(f"select person_id from {CHILD_KEYS_TABLE} where la_code = $1 "
                        "and person_id in (select unnest(cast($2 as varchar[])))", [la_code, sorted(ids)]).fetchall()
    new = sorted(ids.difference(map(itemgetter(0), keyed)))
    write_frame(con, CHILD_KEYS_TABLE, _keys(secret, [(la_code, p) for p in new]))
    if known is not None:
        known.add(la_code, ids)
    return len(new)


def _distinct(person_ids: Iterable[object]) -> list[object]:
    """The distinct ids, blanks (None, NaN, NaT) left out: one pass in pandas, not a Python loop over every row."""
    values = person_ids if isinstance(person_ids, pd.Series) else pd.Series(list(person_ids), dtype=object)
    return values.dropna().unique().tolist()


def rekey(con: Connection, secret: str | Callable[[str], str]) -> int:
    """Recompute every key with a new secret (secret rotation), or each authority's with its own (`secret` a
    function of the la_code, `Settings.secret_for`). Returns the number of keys rewritten.

    One transaction holding each authority's key lock (the one `add_keys` takes, in code order), so a load keying
    new ids on Postgres waits for it, or commits before the keys are read: no key is read, deleted and lost in
    between. An authority whose first keys commit meanwhile keeps them (made with the current secret)."""
    with transaction(con):
        found = con.execute(f"select distinct la_code from {CHILD_KEYS_TABLE}").fetchall()
        authorities = sorted(row[0] for row in found)
        for la_code in authorities:
            lock_in_transaction(con, f"csw.child keys {la_code}")
        mine = "la_code in (select unnest(cast($1 as varchar[])))"
        rows = con.execute(f"select la_code, person_id from {CHILD_KEYS_TABLE} where {mine}", [authorities]).fetchall()
        con.execute(f"delete from {CHILD_KEYS_TABLE} where {mine}", [authorities])
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
