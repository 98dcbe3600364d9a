"""Web accounts as plain functions: the CLI (`scout users`) and the web app both call these."""
