"""Demo data: the fixture builder, its loader, and the synthetic data generator for benchmarks."""
