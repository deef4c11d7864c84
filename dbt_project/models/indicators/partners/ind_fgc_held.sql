{{ events_in_period(
    indicator_id='FGC_HELD',
    events=ref('stg_partners__family_group_conferences'),
    event_key='family_group_conference_id',
    event_date='conference_date',
) }}
