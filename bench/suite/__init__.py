"""Helpers of the benchmark suite (bench/run.py): child processes, servers, peers, the small import, the report."""
