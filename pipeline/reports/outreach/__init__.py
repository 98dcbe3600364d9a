"""Outreach: the target list, its evidence, one-at-a-time reveals, the contact log, opt-outs."""
