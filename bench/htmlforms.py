"""Reading a page's form as a browser would post it, so benchmarks save real pages.

Building the post from the HTML (rather than from our own idea of the field names) keeps the
benchmark honest: it sends exactly the fields, versions and CSRF token the page showed.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    """Collects each ``<form method="post">``: its action and its successful fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None or "name" not in a or "disabled" in a:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            self._fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self._fields is not None:
            text = "".join(self._text)
            self._fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._fields = None


def post_forms(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every post form on the page: (action, [(name, value), ...]) in document order."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, suffix: str) -> list[tuple[str, str]]:
    """The fields of the first post form holding a field whose name ends with ``suffix``."""
    for _, fields in post_forms(html):
        if any(name.endswith(suffix) for name, _ in fields):
            return fields
    raise LookupError(f"no form with a field ending {suffix!r}")


def replace(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The fields with ``name`` set to ``value`` (added when the form did not have it)."""
    kept = [(n, v) for n, v in fields if n != name]
    return [*kept, (name, value)]
