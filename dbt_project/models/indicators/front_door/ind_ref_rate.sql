{{ rate_per_10k(indicator_id='REF_RATE', count_model='ind_ref_count') }}
