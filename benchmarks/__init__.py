"""Speed, size and memory benchmarks (not run by the test suite): `python -m benchmarks.run`."""
