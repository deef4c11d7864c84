{{ aggregates_of_records_open_at_period_end(
    indicator_id='WF_CASELOAD_AVG',
    records=ref('stg_case_system__involvements'),
    start_date='start_date',
    end_date='end_date',
    numerator='count(records.involvement_id)',
    denominator='count(distinct records.professional_id)',
    where='professional_id is not null',
) }}
