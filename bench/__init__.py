"""Benchmarks that print their figures. Run ``./dev bench --help``."""
