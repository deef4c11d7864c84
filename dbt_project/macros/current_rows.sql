{#- The current rows of a raw table: what staging reads, and (rendered by expectations/current_rows.py from each
    staging model's own call) what the raw Great Expectations suites and the DfE rules check. Defined here only.
    - without key_columns (snapshot and replaced feeds: case_system, reference): the rows of the newest loaded
      file, read from raw._loads too, so a header-only snapshot is current and empties the object;
    - with key_columns (incremental feeds that restate a row in a later file: health, education, partners,
      workforce, benchmarks): per key, the row of the newest batch (then the last row of that file);
    - with year_file (statutory returns, one file per collection year: SSDA903, CIN census): the rows of each
      collection year's newest file, the file being the newest batch of `year_file` in that year (the table
      itself for a 903 table, one file per table; the census's children for every census table, one file
      filling all nine), so a year's corrected file replaces that year and every other year stays.
    Portable SQL (row_number(), a join rather than a correlated subquery, which Postgres planned as nested loops;
    no dispatch); a relation for a FROM clause, aliased `relation_alias` (Postgres requires
    an alias). -#}
{% macro current_rows(source_name, table_name, key_columns=none, relation_alias='current_rows', year_file=none) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if key_columns -%}
    (
        select ranked.*
        from (
            select
                keyed.*,
                row_number() over (
                    partition by {% for column in key_columns %}keyed.{{ column }}{{ ", " if not loop.last }}{% endfor %}
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
                year_files.collection_year,
                max(year_files._batch_id) as newest_batch_id
            from {{ source(source_name, year_file) }} as year_files
            group by year_files.collection_year
        ) as newest_files
            on yearly.collection_year = newest_files.collection_year and yearly._batch_id = newest_files.newest_batch_id
    ) as {{ relation_alias }}
    {%- else -%}
    (
        select *
        from {{ relation }}
        where _batch_id = (
            select max(batch_id)
            from (
                select max(_batch_id) as batch_id from {{ relation }}
                union all
                select max(batch_id) from {{ source('loads', 'loads') }}
                where table_name = '{{ relation.identifier }}' and outcome = 'loaded'
            ) as batches
        )
    ) as {{ relation_alias }}
    {%- endif -%}
{%- endmacro %}
