"""The web app: FastAPI, server-rendered Jinja2 pages, htmx as progressive enhancement."""
