"""The education feed: the virtual school's attendance, PEP and suspension extracts."""
