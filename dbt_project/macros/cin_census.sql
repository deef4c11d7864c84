{#- The current rows of a CIN census raw table: for each collection year, those of the newest census file loaded
    for that year (a resent census supersedes the earlier one; other years stay). Every table of one file shares
    the file's batch id, so the year's newest batch is read from `children`, which every census has rows in. A join
    to the years' newest batches, not a subquery per row: Postgres, guessing few rows pass such a filter, nested
    the module joins over it (a CP review's plan and referral took minutes). -#}
{% macro census_current(table_name, alias='census_rows') -%}
    {{ current_rows('cin_census', table_name, relation_alias=alias, year_file='cin_census__children') }}
{%- endmacro %}

{#- The current rows of a module under <CINdetails> (assessments, plans, S47s), each with its referral's date,
    and with `parent` (another module's table and the index column naming its row, e.g. the CP plan of a review)
    that row's start date as `parent_start_date`. -#}
{% macro census_module(table_name, parent=none) -%}
    (
        select module.*, referral.referral_date
        {%- if parent %}, parent.start_date as parent_start_date{% endif %}
        from {{ census_current(table_name, 'module') }}
        inner join {{ census_current('cin_census__referrals', 'referral') }}
            on referral._la_code = module._la_code and referral.collection_year = module.collection_year
            and referral.person_id = module.person_id
            and referral.referral_index = module.referral_index
        {%- if parent %}
        inner join {{ census_current(parent[0], 'parent') }}
            on parent._la_code = module._la_code and parent.collection_year = module.collection_year
            and parent.person_id = module.person_id
            and parent.referral_index = module.referral_index and parent.{{ parent[1] }} = module.{{ parent[1] }}
        {%- endif %}
    ) as census_module_rows
{%- endmacro %}

{#- A census record's id: the child and the referral date (one CINdetails per child and date), then `parts`
    (a module's letter and start date), so the same record has the same id in every collection year that
    returns it. -#}
{% macro census_id(parts=[]) -%}
    {{ child_key('person_id') }} || '/' || cast(referral_date as varchar)
    {%- for part in parts %} || '/' || cast({{ part }} as varchar){% endfor %}
{%- endmacro %}

{#- A census staging model's rows, one per `key` (a record's id, or the child): the row of the newest collection
    year that returns it. A referral open on 31 March is in two years' censuses; the newer one knows its closure,
    the older one could not. -#}
{% macro census_newest_year(model, key) -%}
    (
        select ranked.*
        from (
            select
                yearly.*,
                row_number() over (
                    partition by yearly.la_code, yearly.{{ key }} order by yearly.collection_year desc
                ) as year_rank
            from {{ ref(model) }} as yearly
        ) as ranked
        where ranked.year_rank = 1
    ) as newest_year_rows
{%- endmacro %}

{#- The rows of a census staging model from the collection year that is its parent's newest for `key` (a child's
    disabilities, an assessment's factors): a set an older year listed and the newest does not is no longer so. -#}
{% macro census_rows_of_newest_year(model, parent, key) -%}
    (
        select module_rows.*
        from {{ ref(model) }} as module_rows
        inner join {{ census_newest_year(parent, key) }}
            on
                module_rows.la_code = newest_year_rows.la_code
                and module_rows.{{ key }} = newest_year_rows.{{ key }}
                and module_rows.collection_year = newest_year_rows.collection_year
    ) as rows_of_newest_year
{%- endmacro %}
