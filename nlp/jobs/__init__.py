"""Job adverts (issue 16, forced labour): fields, the spaCy component and field checks."""
