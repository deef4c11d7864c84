"""The workforce feed: HR's monthly snapshot of social work teams."""
