"""The page model: how a framework is split into the pages councils fill in.

A maturity framework has one page per key area or enabler (each needs a careful read of five
descriptors); a questionnaire has one page per section. Page keys are the item or section keys,
so URLs stay stable across framework versions that keep their keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..frameworks.model import Framework, Item, Section


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    section: Section
    items: tuple[Item, ...]
    number: int  # 1-based position among all pages


def pages_of(framework: Framework) -> list[Page]:
    """Every page in framework order."""
    pages: list[Page] = []
    for section in framework.sections:
        if framework.kind == "maturity":
            for item in section.items:
                pages.append(Page(item.key, item.title, section, (item,), len(pages) + 1))
        else:
            pages.append(Page(section.key, section.title, section, section.items, len(pages) + 1))
    return pages


def page_for(framework: Framework, key: str) -> Page | None:
    return next((page for page in pages_of(framework) if page.key == key), None)


def page_of_item(framework: Framework, item_key: str) -> Page:
    """The page an item is answered on (for change links and the missing-items list)."""
    for page in pages_of(framework):
        if any(item.key == item_key for item in page.items):
            return page
    raise KeyError(item_key)


def section_pages(framework: Framework, section_key: str) -> list[Page]:
    return [page for page in pages_of(framework) if page.section.key == section_key]


def next_page(framework: Framework, key: str) -> Page | None:
    pages = pages_of(framework)
    index = [page.key for page in pages].index(key)
    return pages[index + 1] if index + 1 < len(pages) else None


def previous_page(framework: Framework, key: str) -> Page | None:
    pages = pages_of(framework)
    index = [page.key for page in pages].index(key)
    return pages[index - 1] if index > 0 else None
