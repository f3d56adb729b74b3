"""The council register: every English principal council since 2018, loaded from CSV.

``register`` reads, checks, loads and writes it; ``cli`` is ``flask councils load|import|export``.
"""
