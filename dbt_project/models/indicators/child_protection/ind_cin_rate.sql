{{ rate_per_10k(indicator_id='CIN_RATE', count_model='ind_cin_count') }}
