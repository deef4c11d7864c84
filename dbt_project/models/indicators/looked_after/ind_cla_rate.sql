{{ rate_per_10k(indicator_id='CLA_RATE', count_model='ind_cla_count') }}
