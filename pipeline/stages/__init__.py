"""Stages: crawling (the child-process launcher), analysis and linking.

Each stage reads what the stage before it stored and stores what it found.
"""
