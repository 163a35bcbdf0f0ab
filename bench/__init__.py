"""make bench (run.py), the BENCHMARKS.md format (table.py), make bench-compare (compare.py)."""
