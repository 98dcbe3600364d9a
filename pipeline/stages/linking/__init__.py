"""Linking adverts into clusters (shared contact, template text, image), with explained scores.

The core (`masking`, `template`, `images`, `buckets`, `unionfind`, `linker`, `indicators`,
`scoring`) works on plain in-memory records; `store`, `identity`, `clusters` and `run` read
and write the database around it. docs/linking.md explains the method.
"""
