{#- Annex A list 3, Referrals: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_03_referrals') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        referral_date,
        {{ to_code('referral_source_code') }} as referral_source_code,
        {{ annex_a_yes_no('is_nfa') }} as is_nfa,
        referrals_12m,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
