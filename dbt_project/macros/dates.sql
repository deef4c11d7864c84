{#- Date building blocks of docs/specs/INDICATORS.md "Conventions". One definition each; every model calls these. -#}

{#- add_months(D, n): calendar months, clamped to month end (31 Mar - 1 month = 28/29 Feb). -#}
{% macro add_months(date_expr, months) -%}
    cast({{ dbt.dateadd('month', months, date_expr) }} as date)
{%- endmacro %}

{% macro add_days(date_expr, days) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{#- Open at D: start <= D and (end is null or end > D). Something that ends on D is not open at D. -#}
{% macro is_open_at(start_col, end_col, at_date) -%}
    ({{ start_col }} <= {{ at_date }} and ({{ end_col }} is null or {{ end_col }} > {{ at_date }}))
{%- endmacro %}

{#- In period: both ends inclusive. -#}
{% macro is_in_period(date_col, period_alias='periods') -%}
    ({{ date_col }} between {{ period_alias }}.period_start and {{ period_alias }}.period_end)
{%- endmacro %}

{#- Age at D: whole years completed on D (a 29 February birthday is reached on 1 March in other years). -#}
{% macro age_at(birth_date, at_date) -%}
    (
        cast(extract(year from {{ at_date }}) as integer) - cast(extract(year from {{ birth_date }}) as integer)
        - case
            when extract(month from {{ at_date }}) * 100 + extract(day from {{ at_date }})
                < extract(month from {{ birth_date }}) * 100 + extract(day from {{ birth_date }})
                then 1
            else 0
        end
    )
{%- endmacro %}

{#- DfE age bands used in breakdowns and facts. -#}
{% macro age_band(age) -%}
    case
        when {{ age }} is null then 'Unknown'
        when {{ age }} < 1 then 'Under 1'
        when {{ age }} < 5 then '1-4'
        when {{ age }} < 10 then '5-9'
        when {{ age }} < 16 then '10-15'
        when {{ age }} < 18 then '16-17'
        else '18+'
    end
{%- endmacro %}

{#- Working days from A to B: count of d with A < d <= B, Mon-Fri and not a bank holiday (same day = 0).
    Emits two joins to int_calendar; use with working_days_between() in the select list. -#}
{% macro join_working_day_calendar(start_col, end_col, prefix) -%}
    left join {{ ref('int_calendar') }} as {{ prefix }}_from on {{ prefix }}_from.calendar_date = {{ start_col }}
    left join {{ ref('int_calendar') }} as {{ prefix }}_to on {{ prefix }}_to.calendar_date = {{ end_col }}
{%- endmacro %}

{% macro working_days_between(prefix) -%}
    ({{ prefix }}_to.working_day_number - {{ prefix }}_from.working_day_number)
{%- endmacro %}

{#- The build's as-of date as ISO text: the environment's CSW_AS_OF, which csw sets for every dbt call
    (csw.dbt.dbt_env; Cosmos renders it per run). Not a dbt var: dbt re-parses the whole project when any var
    changes, and the as-of moves every day (4.5-4.8 s of every nightly build); a changed environment variable
    re-parses only the files that read it (about 1.2 s). Checked when the SQL runs, not when dbt parses the project
    (`dbt ls`, the manifest), which needs no date. -#}
{% macro as_of_date() -%}
    {%- set as_of = env_var('CSW_AS_OF', '') -%}
    {%- set is_date = modules.re.fullmatch('[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])', as_of) -%}
    {%- if is_date -%}  {#- and the day is in its month (no 30 February) -#}
        {%- set month_start = modules.datetime.date(as_of[:4] | int, as_of[5:7] | int, 1) -%}
        {%- set next_month = (month_start + modules.datetime.timedelta(days=31)).replace(day=1) -%}
        {%- set is_date = (as_of[8:] | int) <= (next_month - modules.datetime.timedelta(days=1)).day -%}
    {%- endif -%}
    {%- if execute and not is_date -%}
        {{ exceptions.raise_compiler_error(
            "CSW_AS_OF is " ~ (("'" ~ as_of ~ "'") if as_of else "not set")
            ~ ": the build's as-of date (YYYY-MM-DD), which csw sets (csw build --as-of; in Airflow the run's date)"
        ) }}
    {%- endif -%}
    {{- as_of -}}
{%- endmacro %}
