{{ records_open_at_period_end(
    indicator_id='CPP_NEGLECT_PCT',
    records=ref('stg_case_system__cp_plans'),
    record_key='cp_plan_id',
    start_date='start_date',
    end_date='end_date',
    numerator_when="records.latest_category_code = 'NEG'",
) }}
