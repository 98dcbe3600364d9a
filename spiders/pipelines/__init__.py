"""Scrapy item pipelines: small steps an advert goes through before it is stored."""
