"""What a browser would submit from a page's form: shared by the locust users and bench/load/cpu_pages.py."""

from html.parser import HTMLParser
from urllib.parse import urlencode


class FormParser(HTMLParser):
    """The fields of the first form matching ``wanted(attrs)``: what a browser would submit, in document order."""

    def __init__(self, wanted):
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.depth = 0  # > 0 inside the wanted form
        self.done = False
        self.fields: list[list] = []  # [name, value] pairs, editable in place
        self.radios: dict[str, list[str]] = {}
        self._textarea = None
        self._select = None
        self._select_first = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and self.depth == 0 and self.wanted(attrs):
            self.depth = 1
            return
        if self.depth == 0:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("radio", "checkbox"):
                value = attrs.get("value")
                value = "on" if value is None else value  # value="" (« non positionné ») stays ""
                self.radios.setdefault(name, []).append(value)
                if "checked" in attrs:
                    self.fields.append([name, value])
                return
            self.fields.append([name, attrs.get("value") or ""])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = [name, None]
            self._select_first = None
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self._select[1] = value

    def handle_endtag(self, tag):
        if self.depth == 0:
            return
        if tag == "form":
            self.depth = 0
            self.done = True
        elif tag == "textarea":
            # As in a browser: the newline right after <textarea> is not part of the value.
            if self._textarea[1].startswith("\n"):
                self._textarea[1] = self._textarea[1][1:]
            self._textarea = None
        elif tag == "select" and self._select is not None:
            value = self._select[1] if self._select[1] is not None else self._select_first
            self.fields.append([self._select[0], value or ""])
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def parse_form(html: str, wanted) -> FormParser:
    parser = FormParser(wanted)
    parser.feed(html)
    return parser


def field(form: FormParser, name: str) -> list | None:
    return next((pair for pair in form.fields if pair[0] == name), None)


def encode(form: FormParser) -> str:
    # Browsers send textareas with CRLF line endings; the server normalises them.
    return urlencode([(name, value) for name, value in form.fields])
