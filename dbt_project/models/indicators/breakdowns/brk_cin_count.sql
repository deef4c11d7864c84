{{ children_open_at_period_end(
    indicator_id='CIN_COUNT',
    records=ref('stg_case_system__referrals'),
    start_date='referral_date',
    end_date='close_date',
    where='not is_nfa',
    by=breakdown_dimensions(),
) }}
