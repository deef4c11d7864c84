{{ latest_snapshot_in_period(
    indicator_id='WF_VACANCY_PCT',
    snapshots=ref('int_workforce_snapshots_totalled'),
    snapshot_date='snapshot_date',
    numerator='snapshots.vacancy_fte',
    denominator='snapshots.establishment_fte',
) }}
