"""One module per group of pages; each route declares its role-matrix key (pipeline.web.access)."""
