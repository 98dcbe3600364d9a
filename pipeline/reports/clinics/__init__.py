"""Clinics of concern: the screening list, the visit log and clinic figures (issue 15)."""
