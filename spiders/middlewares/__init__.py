"""Downloader middlewares: politeness (Retry-After) and honest handling of blocks."""
