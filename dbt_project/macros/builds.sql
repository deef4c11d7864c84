{#
    dq.builds: one row per dbt invocation that can change the warehouse (build, run, seed, snapshot), written by
    the project's on-run-start hook before any model is touched and finished by its on-run-end hook. Every path
    runs these hooks (csw build, Cosmos's one task or task per model, dbt by hand), so a check run can record
    the newest build it checked and the export can tell that the marts changed since (csw/state.py).
    A build that dies midway keeps status 'started'.
#}

{% macro _records_builds() %}
    {{ return(execute and flags.WHICH in ('build', 'run', 'seed', 'snapshot')) }}
{% endmacro %}


{% macro _utc_now() %}
    {{ return(modules.datetime.datetime.now(modules.pytz.utc).strftime('%Y-%m-%d %H:%M:%S.%f')) }}
{% endmacro %}


{% macro _run_in_transaction(sql) %}
    {#- auto_begin: dbt opens the transaction (psycopg2 would open one dbt does not know of), committed below -#}
    {%- call statement('csw_build_record', auto_begin=True) -%} {{ sql }} {%- endcall -%}
{% endmacro %}


{% macro record_build_start() %}
    {%- if _records_builds() -%}
        {%- if target.type == 'postgres' -%}
            {#- the task-per-model DAG starts several invocations at once: one creates the table at a time -#}
            {%- do _run_in_transaction("select pg_advisory_xact_lock(hashtext('csw.dq.builds'))") -%}
        {%- endif -%}
        {%- do _run_in_transaction("create schema if not exists dq") -%}
        {%- do _run_in_transaction("create sequence if not exists dq.build_ids") -%}
        {%- do _run_in_transaction(
            "create table if not exists dq.builds (build_id bigint, invocation_id varchar(64), command varchar(16), "
            ~ "as_of date, started_at timestamp, finished_at timestamp, status varchar(16))"
        ) -%}
        {%- do _run_in_transaction(
            "insert into dq.builds (build_id, invocation_id, command, as_of, started_at, status) values "
            ~ "(nextval('dq.build_ids'), '" ~ invocation_id ~ "', '" ~ flags.WHICH ~ "', "
            ~ "cast('" ~ as_of_date() ~ "' as date), cast('" ~ _utc_now() ~ "' as timestamp), 'started')"
        ) -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{% endmacro %}


{% macro record_build_end(results) %}
    {%- if _records_builds() -%}
        {%- set failed = [] -%}
        {%- for result in results if result.status in ('error', 'fail', 'runtime error') -%}
            {%- do failed.append(result) -%}
        {%- endfor -%}
        {%- do _run_in_transaction(
            "update dq.builds set finished_at = cast('" ~ _utc_now() ~ "' as timestamp), status = '"
            ~ ('error' if failed else 'success') ~ "' where invocation_id = '" ~ invocation_id ~ "'"
        ) -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{% endmacro %}
