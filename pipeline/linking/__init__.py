"""Linking adverts into clusters (shared contact, template text, image), with explained scores.

The core (`records`, `masking`, `template`, `images`, `unionfind`, `linker`, `indicators`,
`scoring`) works on plain in-memory records; `store`, `identity` and `run` read and write
the database around it.
"""
