"""Core: settings, errors, the clock, keys, the database and its migrations, the audit log
and the role matrix.

The bottom layer of `pipeline`; it imports only `models` below it.
"""
