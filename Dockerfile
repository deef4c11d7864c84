# The Airflow image of docker-compose.yml: Airflow 3.3 with the project installed (csw, dbt, Cosmos, Great
# Expectations) plus the server extras (FAB auth manager, Celery provider and Redis client). Every Airflow
# service runs this image with a different `airflow <subcommand>` (ENTRYPOINT is `airflow`).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DO_NOT_TRACK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    SCARF_ANALYTICS=false \
    GX_ANALYTICS_ENABLED=False \
    AIRFLOW_HOME=/opt/airflow \
    HOME=/home/airflow \
    USER=airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/csw/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    PYTHONPATH=/opt/csw

# curl: the api-server healthcheck; libpq5: psycopg2 at run time; build-essential/libpq-dev only for wheels
# that have to be compiled on this platform.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev libpq5 curl npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/csw
# Dependencies first (cached while only code changes), then the code.
COPY pyproject.toml README.md ./
COPY foundation ./foundation
COPY csw ./csw
COPY ingest ./ingest
COPY expectations ./expectations
# the Data Docs' scripts and styles, from npm with their lock (expectations/data_docs.py)
RUN npm ci --prefix expectations/data_docs_assets --ignore-scripts --no-audit --no-fund --loglevel=error
COPY exports ./exports
COPY synthetic ./synthetic
# --compile-bytecode: uv writes no .pyc by default and PYTHONDONTWRITEBYTECODE stops Python writing them, so every
# task process would compile Great Expectations, dbt and Airflow from source again (docs/performance.md)
RUN pip install --upgrade pip uv && uv pip install --system --compile-bytecode -e '.[server,celery]'
# Data to Insight's DfE validators in their own venv (they pin pandas 1.5 / numpy < 2): the statutory_validation
# DAG runs them through ExternalPythonOperator with this interpreter (CSW_VALIDATORS_PYTHON in compose).
COPY deploy/validators-requirements.txt ./deploy/validators-requirements.txt
RUN python -m venv /opt/csw/.venv-validators \
    && /opt/csw/.venv-validators/bin/pip install --no-cache-dir -r deploy/validators-requirements.txt
COPY dags ./dags
COPY dbt_project ./dbt_project
# The manifest Cosmos renders the DAGs from on Postgres with CSW_TRANSFORM_TASKS=model (csw/dbt_manifest.py): parsed
# once here, so the DAG processor does not run dbt while it parses DAG files.
RUN CSW_TARGET=postgres python -m csw.dbt_manifest
COPY deploy/compose ./deploy/compose

# Runs as AIRFLOW_UID (compose `user:`), 50000 by default, always with group 0: whatever the uid, the
# folders it writes are group-0 writable (the OpenShift convention the official Airflow image follows), and
# HOME/USER above stand in for a passwd entry (Airflow asks for a user name; getpass reads USER first).
RUN useradd --create-home --uid 50000 --gid 0 airflow \
    && mkdir -p /opt/airflow/logs /data/landing /data/outbox /data/quarantine /data/warehouse \
    && chown -R 50000:0 /opt/airflow /data /opt/csw/dbt_project /home/airflow \
    && chmod -R g+rwX /opt/airflow /data /opt/csw/dbt_project /home/airflow
USER 50000:0
ENTRYPOINT ["airflow"]
CMD ["version"]
