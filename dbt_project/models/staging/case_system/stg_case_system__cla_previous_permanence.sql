with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_previous_permanence') }}

),

renamed as (

    select
        _la_code as la_code,
        lapp_table_id as previous_permanence_id,
        {{ child_key('lapp_person_id') }} as child_key,
        {{ to_code('lapp_previous_permanence_option') }} as previous_permanence_code,
        nullif(trim(lapp_previous_permanence_la), '') as previous_permanence_la,
        nullif(trim(lapp_previous_permanence_order_date), '') as previous_permanence_order_date_text

    from source

)

select * from renamed
