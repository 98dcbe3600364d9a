"""The baseline for the crawl benchmark: fetch and parse the demo site's pages, store nothing.

Run as `python benchmarks/bare_spider.py BASE_URL 1|0` (1: also fetch the hidden-number XHR
and each image once, as Scout does, without hashing them); prints one JSON line with counts.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess

FIELDS = (
    "h1.ad-title",
    "div.ad-text",
    "article.ad span.ad-city",
    "article.ad span.ad-age",
    "article.ad span.ad-price",
)


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str, side_requests: str = "1", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [base_url + "/"]
        # Scout also fetches what an advert page points at: the hidden number's XHR and images
        self.side_requests = side_requests == "1"
        self.pages = 0
        self.adverts = 0
        self.images_seen: set[str] = set()

    def parse(self, response: scrapy.http.Response) -> Any:
        self.pages += 1
        for href in response.css("a.city-link::attr(href), a.next::attr(href)").getall():
            yield response.follow(href, self.parse)
        for href in response.css("a.listing-link::attr(href)").getall():
            yield response.follow(href, self.parse_detail)

    def parse_detail(self, response: scrapy.http.Response) -> Any:
        self.pages += 1
        values = [" ".join(response.css(f"{css} ::text").getall()) for css in FIELDS]
        if values[0]:
            self.adverts += 1
        if self.side_requests:
            side = response.css("button.show-number::attr(data-href)").getall()
            # Scout fetches a photo shared by several adverts once per crawl (it keeps the
            # photo's hash by URL), so the bare spider does too: the same pages, not more
            for src in response.css("ul.ad-images img::attr(src)").getall()[:6]:
                url = response.urljoin(src)
                if url not in self.images_seen:
                    self.images_seen.add(url)
                    side.append(url)
            for href in side:
                yield response.follow(href, self.parse_side, dont_filter=True)

    def parse_side(self, response: scrapy.http.Response) -> None:
        self.pages += 1


def main() -> None:
    process = CrawlerProcess(
        {
            "LOG_LEVEL": "WARNING",
            "CONCURRENT_REQUESTS": 8,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": True,
            "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False,
            "DOWNLOAD_MAXSIZE": 4 << 20,
            "COOKIES_ENABLED": False,
        }
    )
    crawler = process.create_crawler(BareSpider)
    started = time.perf_counter()
    process.crawl(crawler, base_url=sys.argv[1], side_requests=sys.argv[2])
    process.start()
    spider = crawler.spider
    print(
        json.dumps(
            {
                "pages": spider.pages,
                "adverts": spider.adverts,
                "seconds": time.perf_counter() - started,
            }
        )
    )


if __name__ == "__main__":
    main()
