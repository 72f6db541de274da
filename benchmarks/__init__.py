"""Reproducible performance runs: each prints ratios against a peer measured in the same run."""
