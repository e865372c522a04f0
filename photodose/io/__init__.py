"""Formats: results on disk, MCML files, spec files."""
