"""Readability: the LIX (Björnsson's läsbarhetsindex) of a page's visible text.

The counting rules (named and tested in personpages/tests/test_lix.py):

- The visible text: the text of the page's body, without <script>, <style>, <template>, and
  without elements marked ``hidden`` or ``aria-hidden="true"``; the body of a closed
  <details> is left out (its <summary> counts).
- A word is a run of letters (any alphabet; digits and signs are not letters).
- A long word has more than 6 letters.
- A sentence ends at ". ! ? :" and at the end of a line: every block element ends its line.
  A stretch without a word is no sentence.
"""

import re
from html.parser import HTMLParser

WORD = re.compile(r"[^\W\d_]+")
SENTENCE_END = re.compile(r"[.!?:\n]")
SKIPPED = {"script", "style", "template", "head"}
BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "label", "button", "option",
    "summary", "br", "div", "section", "nav", "header", "footer", "tr", "legend", "caption", "title", "ul", "ol",
}  # fmt: skip
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}


class VisibleText(HTMLParser):
    """The text a reader sees, with a line end after every block element; only inside ``within`` if named."""

    def __init__(self, within: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.within = within

    @property
    def hidden(self) -> bool:
        for index, (tag, hides) in enumerate(self.stack):
            if not hides:
                continue
            # A closed <details> shows its <summary>.
            if tag == "details" and index + 1 < len(self.stack) and self.stack[index + 1][0] == "summary":
                continue
            return True
        return False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag in VOID:
            return
        hides = (
            tag in SKIPPED
            or "hidden" in attributes
            or attributes.get("aria-hidden") == "true"
            or (tag == "details" and "open" not in attributes)
        )
        self.stack.append((tag, hides))

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden and (self.within is None or any(tag == self.within for tag, _ in self.stack)):
            self.parts.append(data)


def visible_text(html: str, within: str | None = None) -> str:
    """The page's visible text; with ``within="main"``, that of its <main> only (what "Listen" reads)."""
    parser = VisibleText(within)
    parser.feed(html)
    return "".join(parser.parts)


def lix(text: str) -> tuple[float, int]:
    """The LIX of the text and its number of words, by the rules above."""
    sentences = [part for part in SENTENCE_END.split(text) if WORD.search(part)]
    words = WORD.findall(text)
    if not words:
        return 0.0, 0
    long_words = [word for word in words if len(word) > 6]
    return len(words) / len(sentences) + 100 * len(long_words) / len(words), len(words)
