{{ children_open_at_period_end(
    indicator_id='CINP_COUNT',
    records=ref('stg_case_system__cin_plans'),
    start_date='start_date',
    end_date='end_date',
) }}
