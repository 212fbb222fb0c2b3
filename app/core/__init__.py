"""Shared kernel: imports no feature package."""
