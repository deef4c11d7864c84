#!/usr/bin/env bash
# One-shot start-up of the compose stack (service `airflow-init`), safe to re-run on every `up`:
#   0. refuse to go on while a secret is still .env.example's placeholder `change-me` (naming each);
#   1. as root: create the landing, outbox, quarantine, warehouse and log folders and give them to
#      AIRFLOW_UID (group 0), so a bind-mounted host folder is writable by the Airflow services;
#   2. as AIRFLOW_UID: migrate the Airflow metadata database (`airflow db migrate`, FAB tables included);
#   3. create the first admin login (AIRFLOW_ADMIN_USER / AIRFLOW_ADMIN_PASSWORD) unless it exists.
# Every folder comes from the same settings csw reads (CSW_LANDING, CSW_OUTPUT, CSW_QUARANTINE,
# CSW_WAREHOUSE's folder) and AIRFLOW_HOME.
set -euo pipefail

: "${AIRFLOW_ADMIN_USER:?set AIRFLOW_ADMIN_USER in .env}"
: "${AIRFLOW_ADMIN_PASSWORD:?set AIRFLOW_ADMIN_PASSWORD in .env}"
uid="${AIRFLOW_UID:-50000}"

placeholders=$(env | grep -E '^[A-Za-z0-9_]+=(change-me|.*:change-me@.*)$' | cut -d= -f1 | sort | paste -sd, -) || true
if [ -n "$placeholders" ]; then
    echo "airflow-init: still the .env.example placeholder change-me: $placeholders; set real secrets in .env (README \"Running on a server\")" >&2
    exit 1
fi

if [ "$(id -u)" = 0 ]; then
    folders=("${CSW_LANDING:?}" "${CSW_OUTPUT:?}" "${CSW_QUARANTINE:?}" "$(dirname "${CSW_WAREHOUSE:?}")" "${AIRFLOW_HOME:?}/logs")
    mkdir -p "${folders[@]}"
    chown "$uid:0" "${folders[@]}"
    chmod g+rwX "${folders[@]}"
    echo "airflow-init: folders ready for uid $uid: ${folders[*]}"
    if [ "$uid" != 0 ]; then
        exec setpriv --reuid="$uid" --regid=0 --clear-groups "$0" "$@"
    fi
fi

echo "airflow-init: migrating the metadata database"
airflow db migrate
# Idempotent: an existing login is left as it is ("already exists in the db"); change a password in the UI.
airflow users create --username "$AIRFLOW_ADMIN_USER" --password "$AIRFLOW_ADMIN_PASSWORD" --role Admin \
    --firstname Airflow --lastname Admin --email "${AIRFLOW_ADMIN_EMAIL:-$AIRFLOW_ADMIN_USER@localhost}"
echo "airflow-init: done"
