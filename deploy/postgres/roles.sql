-- Roles of the Postgres warehouse (issue 7): `etl` owns every object; `bi_reader` reads the marts only.
--
-- Run once per warehouse database as a superuser, with psql, e.g.
--   psql -v ON_ERROR_STOP=1 -v etl_password="$CSW_PG_PASSWORD" -v bi_reader_password="$CSW_BI_READER_PASSWORD" \
--        -d csw -f deploy/postgres/roles.sql
-- Re-running is safe: roles and schemas are created only when missing, passwords and grants are re-applied.
--
-- bi_reader: CONNECT on this database, USAGE on schema marts and SELECT on its tables and views (now and,
-- through default privileges, every mart etl creates later). Nothing on raw (incl. raw._child_keys, the
-- person id → child_key map), seeds, staging, intermediate or dq, and no CREATE anywhere.
\set ON_ERROR_STOP on

select 'create role etl login' where not exists (select 1 from pg_roles where rolname = 'etl') \gexec
select 'create role bi_reader login' where not exists (select 1 from pg_roles where rolname = 'bi_reader') \gexec
alter role etl with login nosuperuser nocreaterole nocreatedb password :'etl_password';
alter role bi_reader with login nosuperuser nocreaterole nocreatedb password :'bi_reader_password';

-- Only these two roles (and superusers) connect; etl may create schemas (dbt does) and temporary tables.
select format('revoke all on database %I from public', current_database()) \gexec
select format('grant connect, create, temporary on database %I to etl', current_database()) \gexec
select format('grant connect on database %I to bi_reader', current_database()) \gexec
revoke create on schema public from public;

-- The warehouse schemas (names identical to DuckDB's), owned by etl.
create schema if not exists raw authorization etl;
create schema if not exists seeds authorization etl;
create schema if not exists staging authorization etl;
create schema if not exists intermediate authorization etl;
create schema if not exists marts authorization etl;
create schema if not exists dq authorization etl;
alter schema raw owner to etl;
alter schema seeds owner to etl;
alter schema staging owner to etl;
alter schema intermediate owner to etl;
alter schema marts owner to etl;
alter schema dq owner to etl;

-- Nothing for anyone but etl outside marts (explicit, so a grant made by hand earlier is undone).
revoke all on schema raw, seeds, staging, intermediate, dq from public, bi_reader;
revoke all on all tables in schema raw, seeds, staging, intermediate, dq from public, bi_reader;

-- bi_reader reads the marts: what exists now, and (default privileges of etl) whatever dbt creates later.
grant usage on schema marts to bi_reader;
grant select on all tables in schema marts to bi_reader;
alter default privileges for role etl in schema marts grant select on tables to bi_reader;
