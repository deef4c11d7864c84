{{ events_in_period(
    indicator_id='REF_COUNT',
    events=ref('stg_case_system__referrals'),
    event_key='referral_id',
    event_date='referral_date',
    by=breakdown_dimensions(),
) }}
