{#
    Who reads which mart on Postgres (docs/row-level-security.md). Every mart declares `meta.access` in
    dbt_project.yml: `child_level` (one row per child or event, keyed by child_key, with la_code) or `aggregate`
    (indicator values, breakdowns, benchmarks, the scorecard, dimensions). A mart without one fails its build.

    child_level: row-level security enabled and forced; the owner (etl, who builds and checks) sees every row;
      each authority reader role `bi_reader_<la_code>` (and its members) sees the rows of its own la_code only
      and has SELECT; `bi_reader`, the single-authority login of deploy/postgres/roles.sql, sees the rows of
      var('la_code') (CSW_LA_CODE); `bi_regional` has no privilege at all.
    aggregate: SELECT for every `bi_reader_<la_code>` and for `bi_regional` (bi_reader has it by etl's default
      privileges in marts).

    The reader roles are the ones that exist in the database (created by `csw roles apply`, which then runs
    `secure_marts` below on the marts already built). `secure_mart` is each mart's post-hook: dbt replaces a
    table on every build, and the hook runs inside the same transaction, so a rebuilt mart is never readable
    without its policies. Re-applying changes nothing: policies are created only when missing, grants that
    exist are left. On DuckDB (no roles, no row-level security) it only checks the declaration.
#}

{% macro _mart_access(node) %}
    {%- set access = (node.config.meta or {}).get('access') -%}
    {%- if access not in ('child_level', 'aggregate') -%}
        {{ exceptions.raise_compiler_error(
            "mart " ~ node.name ~ " declares no access (meta.access: child_level or aggregate in "
            ~ "dbt_project.yml, models.csw.marts): every mart must say whether it holds child-level rows") }}
    {%- endif -%}
    {{ return(access) }}
{% endmacro %}


{% macro mart_security_sql(schema, table, access) %}
do $csw_mart_access$
declare
    target regclass := format('%I.%I', {{ "'" ~ schema ~ "'" }}, {{ "'" ~ table ~ "'" }})::regclass;
    home text := {{ "'" ~ var('la_code') ~ "'" }};
    reader record;
begin
{%- if access == 'child_level' %}
    if not (select relrowsecurity from pg_class where oid = target) then
        execute format('alter table %s enable row level security', target);
    end if;
    if not (select relforcerowsecurity from pg_class where oid = target) then
        execute format('alter table %s force row level security', target);
    end if;
    if not exists (select 1 from pg_policy where polrelid = target and polname = 'csw_owner') then
        execute format('create policy csw_owner on %s to %I using (true) with check (true)', target, current_user);
    end if;
    for reader in select rolname, substr(rolname, 11) as la_code from pg_roles
                  where rolname ~ '^bi_reader_[0-9a-z]+$' order by rolname loop
        if not exists (select 1 from pg_policy where polrelid = target and polname = reader.rolname) then
            execute format('create policy %I on %s for select to %I using (la_code = %L)',
                           reader.rolname, target, reader.rolname, reader.la_code);
        end if;
        if not has_table_privilege(reader.rolname, target, 'select') then
            execute format('grant select on %s to %I', target, reader.rolname);
        end if;
    end loop;
    -- bi_reader sees the home authority's rows: one policy, named after the code it compares with
    for reader in select polname from pg_policy
                  where polrelid = target and polname like 'bi\_reader\_home\_%' and polname <> 'bi_reader_home_' || home loop
        execute format('drop policy %I on %s', reader.polname, target);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'bi_reader')
       and not exists (select 1 from pg_policy where polrelid = target and polname = 'bi_reader_home_' || home) then
        execute format('create policy %I on %s for select to bi_reader using (la_code = %L)',
                       'bi_reader_home_' || home, target, home);
    end if;
    if exists (select 1 from pg_roles where rolname = 'bi_regional') then
        execute format('revoke all on %s from bi_regional', target);
    end if;
{%- else %}
    for reader in select rolname from pg_roles
                  where rolname ~ '^bi_reader_[0-9a-z]+$' or rolname = 'bi_regional' order by rolname loop
        if not has_table_privilege(reader.rolname, target, 'select') then
            execute format('grant select on %s to %I', target, reader.rolname);
        end if;
    end loop;
{%- endif %}
end
$csw_mart_access$
{% endmacro %}


{#- post-hook of every mart (dbt_project.yml) -#}
{% macro secure_mart() %}
    {%- if execute -%}
        {%- set access = _mart_access(model) -%}
        {%- if target.type == 'postgres' -%}
            {%- if access == 'child_level' and model.config.materialized not in ('table', 'incremental') -%}
                {{ exceptions.raise_compiler_error(
                    "mart " ~ model.name ~ " is child_level: it must be a table (row-level security), not a "
                    ~ model.config.materialized) }}
            {%- endif -%}
            {{ mart_security_sql(this.schema, this.identifier, access) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- `dbt run-operation secure_marts`: the same on every mart that exists now (csw roles apply) -#}
{% macro secure_marts() %}
    {%- if target.type != 'postgres' -%}
        {{ exceptions.raise_compiler_error("secure_marts: row-level security and roles need the postgres target") }}
    {%- endif -%}
    {%- set secured = {'child_level': [], 'aggregate': []} -%}
    {%- for node in graph.nodes.values() | sort(attribute='name')
          if node.resource_type == 'model' and node.fqn[1] == 'marts' -%}
        {%- set access = _mart_access(node) -%}
        {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if relation is not none -%}
            {%- do run_query(mart_security_sql(relation.schema, relation.identifier, access)) -%}
            {%- do secured[access].append(relation.identifier) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
    {{ print("secured child_level: " ~ secured['child_level'] | join(',')) }}
    {{ print("secured aggregate: " ~ secured['aggregate'] | join(',')) }}
{% endmacro %}
