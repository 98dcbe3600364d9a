"""Crawl storage: what a crawl writes (adverts, versions, sightings, crawl runs).

Used only by the crawl process; it sits between the spider and the models.
"""
