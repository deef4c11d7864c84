-- One row per permanence record (SSD ssd_permanence): the adoption / permanence milestones of a period of care.
with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_permanence') }}

),

renamed as (

    select
        _la_code as la_code,
        perm_table_id as permanence_id,
        {{ child_key('perm_person_id') }} as child_key,
        perm_cla_id as cla_id,
        perm_adm_decision_date as adoption_decision_date,
        perm_placement_order_date as placement_order_date,
        perm_matched_date as matched_date,
        perm_placed_for_adoption_date as placed_for_adoption_date,
        perm_permanence_order_date as permanence_order_date,
        {{ to_code('perm_permanence_order_type') }} as permanence_order_type_code,
        perm_decision_reversed_date as decision_reversed_date

    from source

)

{{ with_statutory_sources('renamed', 'permanence') }}
