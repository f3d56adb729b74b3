"""Rounds, assessments, responses and results: the business rules of the council journey."""
