"""Benchmarks at shop scale: every hot path against its baseline, on PostgreSQL.

``python -m bench --scale full`` (``make bench``) or ``--scale small`` (``make bench-small``).
See README.md ("Benchmarks"); the latest figures are in bench/RESULTS.md and bench/results.json.
"""
