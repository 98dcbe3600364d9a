"""Crawl storage: what a crawl writes (adverts, versions, sightings, crawl runs).

Written by the crawl process, between the spider and the models; the stages above read
run numbers and manage sites through it.
"""
