{#- The shapes every indicator formula takes, one macro per shape.
    Each returns the formula output of docs/specs/STYLE.md:
    indicator_id, la_code, period_type, period_label, period_start, period_end, numerator, denominator.

    `by` (the shapes over children or their events): none = the indicator value, every LA x period of
    int_periods gets a row (zero counts, or 0 / 0, where nothing happened); a dimension of
    breakdown_dimensions() or a list of them = a breakdown, two more columns (dimension, dimension_value)
    and a row only for the dimension values that occur. The arithmetic is the same either way, so the sums
    over a dimension's values equal the headline numerator and denominator. Age bands are at the event date
    for events and at the period end for stocks. -#}

{#- The dimensions a breakdown slices by (int_child_dimensions); a child without a row there is Unknown. -#}
{% macro breakdown_dimensions() -%}
    {{ return(['sex', 'ethnicity_group', 'age_band']) }}
{%- endmacro %}

{#- A breakdown row's value of its dimension (ages at `age_date`); Unknown where the child has none. -#}
{% macro _dimension_value(age_date) -%}
    coalesce(
        case dimensions.dimension
            when 'sex' then child_dimensions.sex_code
            when 'ethnicity_group' then child_dimensions.ethnicity_group
            when 'age_band' then {{ age_band(age_at('child_dimensions.birth_date', age_date)) }}
        end,
        'Unknown'
    )
{%- endmacro %}

{#- The key columns of a formula's output, from `relation`'s LA x period. -#}
{% macro _formula_keys(indicator_id, relation='periods') -%}
    '{{ indicator_id }}' as indicator_id,
        {{ relation }}.la_code,
        {{ relation }}.period_type,
        {{ relation }}.period_label,
        {{ relation }}.period_start,
        {{ relation }}.period_end
{%- endmacro %}

{#- The skeleton of every shape: periods -> the input (`relation` as `alias`, filtered by `where`) joined on
    the authority (la_code) and `join_on` -> numerator and denominator aggregated per LA x period (x dimension
    value with `by`). -#}
{% macro _formula(indicator_id, relation, alias, join_on, numerator, denominator, where=none, by=none, age_date='periods.period_end') %}
{%- set dimensions = ([by] if by is string else by) if by else [] -%}
{%- for dimension in dimensions if dimension not in breakdown_dimensions() -%}
    {{ exceptions.raise_compiler_error(indicator_id ~ ": no breakdown dimension " ~ dimension) }}
{%- endfor -%}
with

periods as (

    select * from {{ ref('int_periods') }}

),

{{ alias }} as (

    select * from {{ relation }}
    {% if where %}where {{ where }}{% endif %}

),

{% if dimensions -%}
dimensions as (

    {% for dimension in dimensions -%}
    select '{{ dimension }}' as dimension
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

child_dimensions as (

    select * from {{ ref('int_child_dimensions') }}

),

{% endif -%}
aggregated as (

    select
        {{ _formula_keys(indicator_id) }},
        {% if dimensions -%}
        dimensions.dimension,
        {{ _dimension_value(age_date) }} as dimension_value,
        {% endif -%}
        cast({{ numerator }} as double precision) as numerator,
        cast({{ denominator }} as double precision) as denominator
    from periods
    {{ 'inner' if dimensions else 'left' }} join {{ alias }}
        on periods.la_code = {{ alias }}.la_code and ({{ join_on }})
    {% if dimensions -%}
    cross join dimensions
    left join child_dimensions
        on {{ alias }}.la_code = child_dimensions.la_code and {{ alias }}.child_key = child_dimensions.child_key
    {% endif -%}
    group by
        periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end
        {%- if dimensions %}, dimensions.dimension, {{ _dimension_value(age_date) }}{% endif %}

)

select * from aggregated
{% endmacro %}

{#- Numerator and denominator counting `alias.key`: all of them (denominator null), or those meeting
    numerator_when out of all of them. -#}
{% macro _counted(alias, key, numerator_when=none) -%}
    {%- if numerator_when -%}
        {{ return([
            'sum(case when ' ~ alias ~ '.' ~ key ~ ' is not null and (' ~ numerator_when ~ ') then 1 else 0 end)',
            'count(' ~ alias ~ '.' ~ key ~ ')',
        ]) }}
    {%- else -%}
        {{ return(['count(' ~ alias ~ '.' ~ key ~ ')', 'null']) }}
    {%- endif -%}
{%- endmacro %}

{#- The join of a per-period child-level model (grain LA x period x child) to its period. -#}
{% macro _same_period(alias) -%}
    periods.la_code = {{ alias }}.la_code
    and periods.period_type = {{ alias }}.period_type
    and periods.period_label = {{ alias }}.period_label
{%- endmacro %}

{#- Events dated in the period. Without numerator_when: a count (denominator null). With it: of the events
    in the period (the denominator), those meeting numerator_when (the numerator). -#}
{% macro events_in_period(indicator_id, events, event_key, event_date, numerator_when=none, where=none, by=none) %}
    {%- set counted = _counted('events', event_key, numerator_when) -%}
    {{ _formula(
        indicator_id, events, 'events', is_in_period('events.' ~ event_date), counted[0], counted[1],
        where=where, by=by, age_date='events.' ~ event_date,
    ) }}
{% endmacro %}

{#- Records open at the period end D (start <= D, end null or > D), counted as records (not children), or
    as a percentage of them. -#}
{% macro records_open_at_period_end(indicator_id, records, record_key, start_date, end_date, numerator_when=none, where=none, by=none) %}
    {%- set counted = _counted('records', record_key, numerator_when) -%}
    {{ _formula(
        indicator_id, records, 'records',
        is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'periods.period_end'), counted[0], counted[1],
        where=where, by=by,
    ) }}
{% endmacro %}

{#- Children with a record open at the period end D (start <= D, end null or > D): distinct children. In a
    breakdown each child is taken once per period before the count (LA x period x child, distinct): counting
    distinct children over every (period, open record) pair three times over, once per dimension, made
    brk_cin_count the region's costliest breakdown (8.7 s, now 3.4 s, the same rows). The headline value counts
    them once per period anyway: there the extra step cost more than it saved. -#}
{% macro children_open_at_period_end(indicator_id, records, start_date, end_date, where=none, by=none) %}
    {%- if not by -%}
    {{ _formula(
        indicator_id, records, 'records',
        is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'periods.period_end'),
        'count(distinct records.child_key)', 'null', where=where,
    ) }}
    {%- else -%}
    {%- set open_children -%}
    (
        select distinct
            periods.la_code,
            periods.period_type,
            periods.period_label,
            records.child_key
        from {{ ref('int_periods') }} as periods
        inner join (
            select * from {{ records }}
            {% if where %}where {{ where }}{% endif %}
        ) as records
            on
                periods.la_code = records.la_code
                and {{ is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'periods.period_end') }}
    ) as open_children
    {%- endset -%}
    {{ _formula(
        indicator_id, open_children, 'records', _same_period('records'), 'count(records.child_key)', 'null', by=by,
    ) }}
    {%- endif %}
{% endmacro %}

{#- Rows of a per-period child-level model (grain LA x period x child), counted or as a percentage. -#}
{% macro children_in_period_rows(indicator_id, rows, numerator_when=none, where=none, by=none) %}
    {%- if numerator_when -%}
        {%- set numerator = 'count(distinct case when ' ~ numerator_when ~ ' then rows_in_scope.child_key end)' -%}
        {%- set denominator = 'count(distinct rows_in_scope.child_key)' -%}
    {%- else -%}
        {%- set numerator, denominator = 'count(distinct rows_in_scope.child_key)', 'null' -%}
    {%- endif -%}
    {{ _formula(
        indicator_id, rows, 'rows_in_scope', _same_period('rows_in_scope'), numerator, denominator,
        where=where, by=by,
    ) }}
{% endmacro %}

{#- Aggregates of the events dated in the period: numerator and denominator are aggregate expressions over
    `events` (e.g. sum(events.attended_sessions) / sum(events.possible_sessions)); no events -> 0 / 0. -#}
{% macro aggregates_of_events_in_period(indicator_id, events, event_date, numerator, denominator, where=none, by=none) %}
    {{ _formula(
        indicator_id, events, 'events', is_in_period('events.' ~ event_date),
        'coalesce(' ~ numerator ~ ', 0)', 'coalesce(' ~ denominator ~ ', 0)',
        where=where, by=by, age_date='events.' ~ event_date,
    ) }}
{% endmacro %}

{#- Mean of a per-event value over the events dated in the period: numerator = sum, denominator = n
    (events whose value is null are left out of both; no events -> 0 / 0, so the value is null). -#}
{% macro mean_of_events_in_period(indicator_id, events, event_date, value_expression, where=none, by=none) %}
    {{- aggregates_of_events_in_period(
        indicator_id, events, event_date,
        numerator='sum(' ~ value_expression ~ ')', denominator='count(' ~ value_expression ~ ')',
        where=where, by=by,
    ) -}}
{% endmacro %}

{#- Aggregates of the records open at the period end D (start <= D, end null or > D): numerator and
    denominator are aggregate expressions over `records`; nothing open -> 0 / 0. -#}
{% macro aggregates_of_records_open_at_period_end(indicator_id, records, start_date, end_date, numerator, denominator, where=none, by=none) %}
    {{ _formula(
        indicator_id, records, 'records',
        is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'periods.period_end'),
        'coalesce(' ~ numerator ~ ', 0)', 'coalesce(' ~ denominator ~ ', 0)', where=where, by=by,
    ) }}
{% endmacro %}

{#- Mean of a per-child value over the rows of a per-period child-level model (grain LA x period x child):
    numerator = sum, denominator = children with a value (null values are left out of both). -#}
{% macro mean_of_period_rows(indicator_id, rows, value_expression, where=none, by=none) %}
    {{ _formula(
        indicator_id, rows, 'rows_in_scope', _same_period('rows_in_scope'),
        'coalesce(sum(' ~ value_expression ~ '), 0)', 'count(' ~ value_expression ~ ')', where=where, by=by,
    ) }}
{% endmacro %}

{#- The latest snapshot dated in the period (one row per snapshot date, the authority's totals, so no `by`):
    numerator and denominator are that snapshot's columns (`snapshots.<column>`); no snapshot -> 0 / 0. -#}
{% macro latest_snapshot_in_period(indicator_id, snapshots, snapshot_date, numerator, denominator) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

snapshots as (

    select * from {{ snapshots }}

),

latest_dates as (

    select
        periods.la_code,
        periods.period_type,
        periods.period_label,
        max(snapshots.{{ snapshot_date }}) as latest_snapshot_date
    from periods
    inner join snapshots
        on periods.la_code = snapshots.la_code and {{ is_in_period('snapshots.' ~ snapshot_date) }}
    group by periods.la_code, periods.period_type, periods.period_label

),

latest_snapshots as (

    select
        {{ _formula_keys(indicator_id) }},
        cast(coalesce({{ numerator }}, 0) as double precision) as numerator,
        cast(coalesce({{ denominator }}, 0) as double precision) as denominator
    from periods
    left join latest_dates on {{ _same_period('latest_dates') }}
    left join snapshots
        on
            latest_dates.la_code = snapshots.la_code
            and latest_dates.latest_snapshot_date = snapshots.{{ snapshot_date }}

)

select * from latest_snapshots
{% endmacro %}

{#- Rate per 10,000 of a count indicator: numerator = the count, denominator = the period's 0-17 population
    (populations are per LA and period only, so no `by`). -#}
{% macro rate_per_10k(indicator_id, count_model) %}
with

counts as (

    select * from {{ ref(count_model) }}

),

populations as (

    select * from {{ ref('int_period_populations') }}

),

rated as (

    select
        {{ _formula_keys(indicator_id, 'counts') }},
        counts.numerator,
        cast(populations.population_0_17 as double precision) as denominator
    from counts
    left join populations
        on counts.la_code = populations.la_code
        and counts.period_type = populations.period_type
        and counts.period_label = populations.period_label

)

select * from rated
{% endmacro %}

{#- value from numerator and denominator by the catalogue unit (docs/specs/INDICATORS.md: percent 0-100, rate per
    10,000, averages = sum / n, counts = numerator; denominator 0 -> null). Stored unrounded. -#}
{% macro indicator_value(unit, numerator, denominator) -%}
    case
        when {{ unit }} = 'count' then {{ numerator }}
        when {{ unit }} = 'percent' then 100.0 * {{ numerator }} / nullif({{ denominator }}, 0)
        when {{ unit }} = 'rate' then 10000.0 * {{ numerator }} / nullif({{ denominator }}, 0)
        else {{ numerator }} / nullif({{ denominator }}, 0)
    end
{%- endmacro %}
