{#- Generic test: no two rows share the given columns (dbt_utils' unique_combination_of_columns without the
    package, which cannot be installed here: dbt hub is not reachable). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_sharing_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
