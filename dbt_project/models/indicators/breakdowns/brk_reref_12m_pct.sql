{{ events_in_period(
    indicator_id='REREF_12M_PCT',
    events=ref('int_referrals_flagged'),
    event_key='referral_id',
    event_date='referral_date',
    numerator_when='events.is_rereferral_12m',
    by=breakdown_dimensions(),
) }}
