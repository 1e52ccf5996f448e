from .scraper import scrape
