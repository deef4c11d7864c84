{{ rate_per_10k(indicator_id='ASMT_RATE', count_model='ind_asmt_count') }}
