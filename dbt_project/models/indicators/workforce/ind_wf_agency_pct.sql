{{ latest_snapshot_in_period(
    indicator_id='WF_AGENCY_PCT',
    snapshots=ref('int_workforce_snapshots_totalled'),
    snapshot_date='snapshot_date',
    numerator='snapshots.agency_fte',
    denominator='snapshots.filled_fte + snapshots.agency_fte',
) }}
