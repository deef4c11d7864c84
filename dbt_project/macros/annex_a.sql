{#- Annex A staging (models/staging/annex_a): the columns every child list (1-9) starts with, the Child Unique ID
    swapped for its child_key and the DfE codes upper-cased, as the SSD staging does. -#}
{% macro annex_a_child_columns() -%}
as_of_date,
        sheet_row,
        {{ child_key('person_id') }} as child_key,
        {{ to_code('gender') }} as sex_code,
        {{ to_code('ethnicity') }} as ethnicity_code,
        birth_date,
        age
{%- endmacro %}

{#- An Annex A yes/no answer as the loader stores it (`true` / `false`, from `a) Yes` / `b) No` / `Y` / `N`) as a
    boolean; blank stays null (unknown), unlike `to_flag`. -#}
{% macro annex_a_yes_no(column) -%}
    case {{ column }} when 'true' then true when 'false' then false end
{%- endmacro %}

{#- The rows of an Annex A list (its stg_annex_a__list_* model) that the newest workbook holding each (child_key,
    event date) lists: workbooks overlap (six-month windows), and a newer one knows end dates an older one could
    not. Rows of one workbook with the same child and date are distinct events: `same_day_number` numbers them
    (by sheet row), so `annex_a_id` stays the same across workbooks and unique within one. -#}
{% macro annex_a_newest(list_model, event_date) -%}
    (
        select
            ranked.*,
            row_number() over (
                partition by ranked.la_code, ranked.child_key, ranked.{{ event_date }} order by ranked.sheet_row
            ) as same_day_number
        from (
            select
                listed.*,
                max(listed.as_of_date) over (
                    partition by listed.la_code, listed.child_key, listed.{{ event_date }}
                ) as newest_as_of
            from {{ ref(list_model) }} as listed
        ) as ranked
        where ranked.as_of_date = ranked.newest_as_of
    ) as newest_rows
{%- endmacro %}

{#- A record id for an Annex A row (which carries none): the child, the event date and the row's same-day number,
    `<child_key>:<date>:<n>`, the same in every workbook that lists the event. -#}
{% macro annex_a_id(event_date, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {{ prefix }}child_key || ':' || coalesce(cast({{ prefix }}{{ event_date }} as varchar), '') || ':'
    || cast({{ prefix }}same_day_number as varchar)
{%- endmacro %}

{#- Annex A links no record to a referral: the id of the child's latest Annex A referral (stg_annex_a__ssd_referrals)
    on or before the row's `date_column`, else null. -#}
{% macro annex_a_referral_on(relation, date_column='start_date') -%}
    (
        select annex_a_referrals.referral_id
        from {{ ref('stg_annex_a__ssd_referrals') }} as annex_a_referrals
        where
            annex_a_referrals.la_code = {{ relation }}.la_code
            and annex_a_referrals.child_key = {{ relation }}.child_key
            and annex_a_referrals.referral_date <= {{ relation }}.{{ date_column }}
        order by annex_a_referrals.referral_date desc, annex_a_referrals.referral_id desc
        limit 1
    )
{%- endmacro %}

{#- One row per child from Annex A's child lists (`first_list` to 10) with `columns`: the newest workbook listing
    the child, its lowest list, then sheet row (the person and disability answers each list repeats). -#}
{% macro annex_a_newest_per_child(columns, first_list=1) -%}
    {%- set lists = ['01_contacts', '02_early_help', '03_referrals', '04_assessments', '05_section_47',
                     '06_children_in_need', '07_child_protection', '08_children_in_care', '09_care_leavers',
                     '10_adoption'] -%}
    (
        select ranked.*
        from (
            select
                listed.*,
                row_number() over (
                    partition by listed.la_code, listed.child_key
                    order by listed.as_of_date desc, listed.list_number asc, listed.sheet_row asc
                ) as recency
            from (
                {%- for list in lists[first_list - 1:] %}
                {% if not loop.first %}union all{% endif %}
                select la_code, as_of_date, {{ loop.index + first_list - 1 }} as list_number, sheet_row, child_key,
                    {{ columns | join(', ') }}
                from {{ ref('stg_annex_a__list_' ~ list) }}
                {%- endfor %}
            ) as listed
            where listed.child_key is not null
        ) as ranked
        where ranked.recency = 1
    ) as newest_per_child
{%- endmacro %}
