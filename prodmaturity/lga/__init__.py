"""The LGA's pages: rounds, councils' progress, reviews and aggregated results."""
