{{ rate_per_10k(indicator_id='CPP_RATE', count_model='ind_cpp_count') }}
