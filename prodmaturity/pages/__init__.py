"""Service-wide information pages linked from the footer: accessibility, cookies, privacy."""
