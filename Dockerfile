# Airflow image with the project installed (apache-airflow 3.3, dbt, Cosmos, Great Expectations).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    DO_NOT_TRACK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    SCARF_ANALYTICS=false \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/csw/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    PYTHONPATH=/opt/csw

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/csw
COPY pyproject.toml README.md ./
COPY csw ./csw
COPY ingest ./ingest
COPY expectations ./expectations
COPY exports ./exports
RUN pip install --upgrade pip uv && uv pip install --system -e .
COPY dags ./dags
COPY dbt_project ./dbt_project

RUN useradd --create-home --uid 50000 airflow \
    && mkdir -p /opt/airflow /data/landing /data/outbox /data/warehouse \
    && chown -R airflow /opt/airflow /data /opt/csw/dbt_project
USER airflow
ENTRYPOINT ["airflow"]
CMD ["version"]
