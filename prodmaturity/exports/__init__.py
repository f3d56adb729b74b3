"""CSV and XLSX exports of rounds, results, aggregates and reference data."""
