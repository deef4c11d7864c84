-- grain: one row per indicator in the catalogue (seeds/indicator_catalogue.csv), with the catalogue version.

with

catalogue as (

    select * from {{ ref('indicator_catalogue') }}

),

final as (

    select
        indicator_id,
        title,
        domain,
        unit,
        nullif(better, '') as better,
        definition,
        source,
        statutory_reference,
        in_regional_return,
        regional_return_order,
        target,
        rag_tolerance,
        '{{ var("catalogue_version") }}' as catalogue_version
    from catalogue

)

select * from final
