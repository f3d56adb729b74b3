"""The read-only JSON API and the API tokens people make on their account page."""
