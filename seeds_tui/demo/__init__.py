"""Realistic synthetic observations for trying the product, tests and benchmarks."""
