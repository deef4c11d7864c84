{#- The current rows of a raw table: what staging reads, and (rendered by expectations/current_rows.py from each
    staging model's own call) what the raw Great Expectations suites and the DfE rules check. Defined here only.
    Every rule is per authority (`_la_code`, the authority folder the file arrived in; docs/regional-hub.md): one
    authority's file never replaces another's rows.
    - without key_columns (snapshot and replaced feeds: case_system, reference): each authority's rows of its
      newest loaded file, read from raw._loads (la_code) too, so a header-only snapshot is current and empties
      the object for that authority;
    - with key_columns (incremental feeds that restate a row in a later file: health, education, partners,
      workforce, benchmarks): per authority and key, the row of the newest batch (then the last row of that file);
      with per_authority=False (the published benchmarks, whose rows are about an area, not about the authority
      that sent them; every authority of a hub may send the same publication): per key, whoever sent it;
    - with year_file (statutory returns, one file per collection year: SSDA903, CIN census): the rows of each
      authority's collection year's newest file, the file being the newest batch of `year_file` in that authority
      and year (the table itself for a 903 table, one file per table; the census's children for every census
      table, one file filling all nine), so a year's corrected file replaces that year and every other year stays.
    Portable SQL (row_number(), a join rather than a correlated subquery, which Postgres planned as nested loops;
    no dispatch); a relation for a FROM clause, aliased `relation_alias` (Postgres requires
    an alias). -#}
{% macro current_rows(
    source_name, table_name, key_columns=none, relation_alias='current_rows', year_file=none, per_authority=true
) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if key_columns -%}
    (
        select ranked.*
        from (
            select
                keyed.*,
                row_number() over (
                    partition by {% if per_authority %}keyed._la_code, {% endif -%}
                    {% for column in key_columns %}keyed.{{ column }}{{ ", " if not loop.last }}{% endfor %}
                    order by keyed._batch_id desc, keyed._row_number desc
                ) as key_rank
            from {{ relation }} as keyed
        ) as ranked
        where ranked.key_rank = 1
    ) as {{ relation_alias }}
    {%- elif year_file -%}
    (
        select yearly.*
        from {{ relation }} as yearly
        inner join (
            select
                year_files._la_code,
                year_files.collection_year,
                max(year_files._batch_id) as newest_batch_id
            from {{ source(source_name, year_file) }} as year_files
            group by year_files._la_code, year_files.collection_year
        ) as newest_files
            on
                yearly._la_code = newest_files._la_code
                and yearly.collection_year = newest_files.collection_year
                and yearly._batch_id = newest_files.newest_batch_id
    ) as {{ relation_alias }}
    {%- else -%}
    (
        select snapshot_rows.*
        from {{ relation }} as snapshot_rows
        inner join (
            select
                batches.la_code,
                max(batches.batch_id) as newest_batch_id
            from (
                select
                    loaded_rows._la_code as la_code,
                    max(loaded_rows._batch_id) as batch_id
                from {{ relation }} as loaded_rows
                group by loaded_rows._la_code
                union all
                select
                    loads.la_code,
                    max(loads.batch_id) as batch_id
                from {{ source('loads', 'loads') }} as loads
                where loads.table_name = '{{ relation.identifier }}' and loads.outcome = 'loaded'
                group by loads.la_code
            ) as batches
            group by batches.la_code
        ) as newest_files
            on snapshot_rows._la_code = newest_files.la_code and snapshot_rows._batch_id = newest_files.newest_batch_id
    ) as {{ relation_alias }}
    {%- endif -%}
{%- endmacro %}
