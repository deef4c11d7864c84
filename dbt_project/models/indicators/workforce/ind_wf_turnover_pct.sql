{{ aggregates_of_events_in_period(
    indicator_id='WF_TURNOVER_PCT',
    events=ref('int_workforce_snapshots_totalled'),
    event_date='snapshot_date',
    numerator='sum(events.leavers_fte_in_month)',
    denominator='avg(events.filled_fte)',
) }}
