{{ events_in_period(
    indicator_id='REF_NFA_PCT',
    events=ref('stg_case_system__referrals'),
    event_key='referral_id',
    event_date='referral_date',
    numerator_when='events.is_nfa',
) }}
