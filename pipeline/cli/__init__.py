"""The `scout` command line: option parsing and rendering on top of the stage API."""
