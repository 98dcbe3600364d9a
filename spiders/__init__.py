"""Crawling: one generic Scrapy spider driven by declarative site files (`spiders/sites/`)."""
