"""The reference feed: population estimates and the authorities list; each load replaces the last."""
