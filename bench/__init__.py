"""Benchmarks: ``python -m bench NAME --json`` prints one JSON object of figures.

Each benchmark is a module ``bench.<name>`` exposing ``run(args: list[str]) -> dict``. Figures are
compared with a baseline measured in the same run (plain SQLite, PouchDB, ...), never with a
number hard-coded from another day.
"""
