"""Benchmarks: scripts that print figures (``make bench``); not part of the test pass/fail."""
