"""Benchmarks, kept apart from the tests. Run one with `.venv/bin/python -m bench.<name>`."""
