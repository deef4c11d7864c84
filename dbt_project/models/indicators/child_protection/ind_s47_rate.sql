{{ rate_per_10k(indicator_id='S47_RATE', count_model='ind_s47_count') }}
