"""The partners feed: police missing-person incidents, return home interviews, family group conferences."""
