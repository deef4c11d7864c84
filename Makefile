# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   generate demo data, run the demo Airflow DAG (the product DAGs' tasks chained) end to end, print what it produced
#   make test  the whole test suite (pytest incl. dbt build on a fresh DuckDB, sqlfluff lint)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
AS_OF ?= 2025-03-31
DEMO := $(CURDIR)/demo

export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export SCARF_ANALYTICS := false
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__UNIT_TEST_MODE := False
export PYTHONPATH := $(CURDIR)
export PATH := $(BIN):$(PATH)

.PHONY: venv validators-venv system-packages data-docs-assets run test bench docs airflow-db dbt-manifest clean help

help:
	@echo "make run    - demo end to end: generate data, the product's Airflow tasks in one demo DAG (ingest, dbt, checks, return), summary"
	@echo "make test   - pytest (unit, ingest, dbt build + unit tests, DAG), sqlfluff lint"
	@echo "make bench  - time each stage on the LA-sized extract (SCALE=1.0; LAS=N: N English authorities, North East first, up to 153; DATA=DIR: keep, reuse the data)"
	@echo "make docs   - dbt docs (every indicator's definition and lineage) as static HTML in output/dbt-docs"

# --compile-bytecode: every csw/dbt/Airflow process then loads .pyc instead of compiling GX, dbt and Airflow from
# source (uv writes none by default; docs/performance.md).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

# Data to Insight's DfE validators (`csw validate`, the statutory_validation DAG) in their own venv: they pin
# pandas 1.5 / numpy < 2, so they never share ours. Rebuilt when deploy/validators-requirements.txt changes.
VALIDATORS_VENV := .venv-validators
VALIDATORS_STAMP := $(VALIDATORS_VENV)/.installed-$(shell cat deploy/validators-requirements.txt | sha256sum | cut -c1-12)

$(VALIDATORS_STAMP): deploy/validators-requirements.txt
	@test -x $(VALIDATORS_VENV)/bin/python || $(PYTHON) -m venv $(VALIDATORS_VENV)
	$(VALIDATORS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r deploy/validators-requirements.txt
	@rm -f $(VALIDATORS_VENV)/.installed-* && touch $@

validators-venv: $(VALIDATORS_STAMP)

$(AIRFLOW_HOME)/airflow.db: $(STAMP)
	@mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (tail -20 $(AIRFLOW_HOME)/db-migrate.log; exit 1)

airflow-db: $(AIRFLOW_HOME)/airflow.db

# The demo keys its synthetic children with the public demo secret, which csw accepts only with CSW_DEMO=1
# (README "Choosing and rotating the pseudonymisation secret"); real data needs CSW_PSEUDONYMISATION_SECRET.
run bench: export CSW_DEMO := 1

# The dbt manifest Cosmos renders the server (Postgres) DAGs from with CSW_TRANSFORM_TASKS=model, one Airflow task
# per model, so parsing a DAG never runs `dbt ls`: `dbt parse` into dbt_project/target/cosmos/, redone only when a
# project file is newer (csw/dbt_manifest.py; a DAG parse that finds it missing or stale runs the same parse itself).
dbt-manifest: venv
	$(BIN)/python -m csw.dbt_manifest --target postgres

# The scripts and styles of the Great Expectations Data Docs (jQuery, Bootstrap, bootstrap-table, Font Awesome
# at the versions GX's templates name) from npm with their lock: expectations/data_docs.py copies them into
# each built site so it renders offline (docs/scorecard.md).
DOCS_ASSETS := expectations/data_docs_assets
$(DOCS_ASSETS)/node_modules/.package-lock.json: $(DOCS_ASSETS)/package-lock.json
	npm ci --prefix $(DOCS_ASSETS) --ignore-scripts --no-audit --no-fund --loglevel=error

data-docs-assets: $(DOCS_ASSETS)/node_modules/.package-lock.json

run: venv validators-venv airflow-db data-docs-assets
	@echo "make run: demo mode (CSW_DEMO=1): synthetic data keyed with the public demo secret, never for real data"
	$(BIN)/csw generate --out $(DEMO)/landing --seed 1 --benchmarks
	CSW_LANDING=$(DEMO)/landing $(BIN)/airflow dags test csw_pipeline $(AS_OF) \
		--conf '{"landing": "$(DEMO)/landing", "as_of": "$(AS_OF)"}' > $(AIRFLOW_HOME)/last-run.log 2>&1 \
		|| (tail -60 $(AIRFLOW_HOME)/last-run.log; echo "DAG run failed: full log in $(AIRFLOW_HOME)/last-run.log"; exit 1)
	@echo "Airflow DAG csw_pipeline finished: success (log: $(AIRFLOW_HOME)/last-run.log)"
	$(BIN)/csw summary

# The server tests start a throwaway PostgreSQL cluster and validate docker-compose.yml: Debian packages,
# installed only when missing (.ci/system-packages.sh; root or sudo).
system-packages:
	@bash .ci/system-packages.sh

test: venv validators-venv system-packages data-docs-assets dbt-manifest
	$(BIN)/python -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup

bench: venv
	@echo "make bench: demo mode (CSW_DEMO=1): synthetic data keyed with the public demo secret"
	$(BIN)/python -m bench --scale $${SCALE:-1.0} --las $${LAS:-1} $${DATA:+--data $$DATA}

docs: venv
	cd dbt_project && CSW_WAREHOUSE=$${CSW_WAREHOUSE:-$(CURDIR)/warehouse/csw.duckdb} CSW_AS_OF=$(AS_OF) \
		$(BIN)/dbt docs generate --profiles-dir . --target-path $(CURDIR)/output/dbt-docs
	@echo "open output/dbt-docs/index.html"

clean:
	rm -rf warehouse output demo .airflow dbt_project/target dbt_project/logs
