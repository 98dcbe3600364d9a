"""Scout's data pipeline, end to end: crawl → clean and store → analyse → link → report.

"Pipeline" here means the whole flow of data through Scout. Scrapy's *item
pipelines* (the per-item steps a crawl runs before an advert is stored) are one
part of it and live in `spiders/`; this package holds the rest: settings, keys,
the database session, migrations, linking, reports and the `scout` CLI.
"""

__version__ = "0.1.0"
