"""Clinic adverts: Danish addresses, opening hours and the postcode table (issue 15)."""
