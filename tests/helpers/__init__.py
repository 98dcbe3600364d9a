"""Test helpers shared by several test folders: `from helpers import outreach_world` (pytest
puts tests/ on sys.path through the `pythonpath` ini option)."""
