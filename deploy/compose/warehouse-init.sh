#!/usr/bin/env bash
# Postgres warehouse initialisation (compose service `warehouse-db`), mounted into
# /docker-entrypoint-initdb.d: the postgres image runs it once, on an empty data volume, as the
# superuser against POSTGRES_DB. It applies deploy/postgres/roles.sql (mounted at CSW_ROLES_SQL) with the
# role passwords from the environment, so no password is written in a file: `etl` (CSW_PG_PASSWORD)
# owns the warehouse schemas, `bi_reader` (CSW_BI_READER_PASSWORD) reads marts only.
# roles.sql is re-runnable: to re-apply grants or change a password later, run the same psql command
# through `docker compose exec warehouse-db` (docs/operations.md).
set -euo pipefail

roles_sql="${CSW_ROLES_SQL:-/csw/postgres/roles.sql}"
[ -f "$roles_sql" ] || { echo "warehouse-init: $roles_sql not found (mount deploy/postgres)" >&2; exit 1; }
echo "warehouse-init: applying $roles_sql to database ${POSTGRES_DB:?}"
psql -v ON_ERROR_STOP=1 \
    -v etl_password="${CSW_PG_PASSWORD:?set CSW_PG_PASSWORD in .env}" \
    -v bi_reader_password="${CSW_BI_READER_PASSWORD:?set CSW_BI_READER_PASSWORD in .env}" \
    --username "${POSTGRES_USER:?}" --dbname "$POSTGRES_DB" --no-psqlrc -f "$roles_sql"
echo "warehouse-init: roles etl and bi_reader ready"
