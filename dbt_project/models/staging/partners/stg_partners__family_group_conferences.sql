with

source as (

    select * from {{ current_rows('partners', 'partners__fgc', ['fgc_id']) }}

),

renamed as (

    select
        _la_code as la_code,
        fgc_id as family_group_conference_id,
        {{ child_key('person_id') }} as child_key,
        family_id,
        referral_date,
        conference_date,
        {{ to_code('outcome') }} as outcome

    from source

)

select * from renamed
