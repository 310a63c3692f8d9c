"""What tests read off report.html: the files it links, found by Python's HTML parser."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (tag, link)

    def handle_starttag(self, tag, attrs):
        self.links += [(tag, value) for name, value in attrs if name in ("src", "href")]


def page_links(page: Path) -> list[tuple[str, str]]:
    """(tag, src or href) of every element of ``page`` that links something, in page order."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def missing_files(page: Path) -> list[str]:
    """Links of ``page`` that name no file beside it (anchors within the page aside)."""
    return [link for _, link in page_links(page) if not link.startswith("#") and not (page.parent / link).is_file()]
