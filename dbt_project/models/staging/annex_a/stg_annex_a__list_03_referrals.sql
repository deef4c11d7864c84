{#- Annex A list 3 (Referrals) as loaded from authorities' workbooks: every workbook's rows,
    each with its as-of date (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_03_referrals') }}

),

renamed as (

    select
        as_of_date,
        sheet_row,
        {{ child_key('person_id') }} as child_key,
        {{ to_code('gender') }} as sex_code,
        {{ to_code('ethnicity') }} as ethnicity_code,
        birth_date,
        age,
        referral_date,
        {{ to_code('referral_source_code') }} as referral_source_code,
        case is_nfa when 'true' then true when 'false' then false end as is_nfa,
        referrals_12m,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
