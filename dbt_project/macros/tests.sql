{#- Generic test: no two rows share the given columns (dbt_utils' unique_combination_of_columns without the
    package, which cannot be installed here: dbt hub is not reachable). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_sharing_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Generic test from the catalogue: every value lies in the range its unit allows (percent 0-100; counts,
    rates, days, scores and ratios >= 0). Returns the offending rows. -#}
{% test values_within_unit_range(model, column_name) %}
select values_table.*
from {{ model }} as values_table
inner join {{ ref('dim_indicators') }} as indicators on values_table.indicator_id = indicators.indicator_id
where
    values_table.{{ column_name }} < 0
    or (indicators.unit = 'percent' and values_table.{{ column_name }} > 100)
{% endtest %}
