"""Benchmarks of the hub, run by `make bench` (`python -m bench`); they print tables."""
