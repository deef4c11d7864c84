{{ children_open_at_period_end(
    indicator_id='CPP_COUNT',
    records=ref('stg_case_system__cp_plans'),
    start_date='start_date',
    end_date='end_date',
    by=breakdown_dimensions(),
) }}
