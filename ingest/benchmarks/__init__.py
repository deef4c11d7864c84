"""The benchmarks feed: other authorities' regional returns and published national/regional figures."""
