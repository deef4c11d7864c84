{#
    reporting.commentary: a performance officer's line per authority, indicator and quarter, written by
    `csw commentary set` (exports/reports/commentary.py, the same columns) and read by marts.rpt_scorecard.
    Appended, never edited: the newest line of an authority's indicator and period is the one in force. Created
    here, before any model, so the mart builds on a warehouse where nobody has written a line yet. An older table
    gains `la_code`, its lines the home authority's (var la_code, CSW_LA_CODE: the warehouse was one authority's).
#}
{% macro ensure_commentary_table() %}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- if target.type == 'postgres' -%}
            {%- do _run_in_transaction("select pg_advisory_xact_lock(hashtext('csw.reporting.commentary'))") -%}
        {%- endif -%}
        {%- do _run_in_transaction("create schema if not exists reporting") -%}
        {%- do _run_in_transaction(
            "create table if not exists reporting.commentary (indicator_id varchar(64), period_label varchar(16), "
            ~ "commentary varchar(2000), written_by varchar(200), written_at timestamp, la_code varchar(16))"
        ) -%}
        {%- do _run_in_transaction("alter table reporting.commentary add column if not exists la_code varchar(16)") -%}
        {%- do _run_in_transaction(
            "update reporting.commentary set la_code = '" ~ var('la_code') ~ "' where la_code is null"
        ) -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{% endmacro %}
