"""The plain-text version of an email, derived from its HTML, so that each email is written
once (``templates/emails/<kind>.html``).

Only what those templates use is understood: paragraphs and other blocks become paragraphs,
``<br>`` a line break, a link whose text is not its address is followed by the address,
``<hr>`` starts the signature, and what the ``<head>`` holds is left out.
"""

import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "table", "tr", "h1", "h2", "h3"}
LEFT_OUT = {"head", "style", "script", "title"}
# The line that starts a signature, which mail programs recognise (RFC 3676, 4.3).
SIGNATURE = "-- "


class _PlainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.line: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.left_out = 0
        self.signature_next = False

    def handle_starttag(self, tag, attrs):
        if tag in LEFT_OUT:
            self.left_out += 1
        elif tag in BLOCKS:
            self.end_paragraph()
        elif tag == "br":
            self.line.append("\n")
        elif tag == "hr":
            self.end_paragraph()
            self.signature_next = True
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.line)))

    def handle_endtag(self, tag):
        if tag in LEFT_OUT:
            self.left_out -= 1
        elif tag in BLOCKS:
            self.end_paragraph()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = " ".join("".join(self.line[start:]).split())
            if href and text != href:
                self.line.append(f": {href}")

    def handle_data(self, data):
        if not self.left_out:
            # As in a browser: a run of white space in the HTML is one space.
            self.line.append(re.sub(r"\s+", " ", data))

    def end_paragraph(self):
        lines = [" ".join(line.split()) for line in "".join(self.line).split("\n")]
        self.line = []
        text = "\n".join(lines).strip("\n")
        if not text:
            return
        if self.signature_next:
            text = f"{SIGNATURE}\n{text}"
            self.signature_next = False
        self.paragraphs.append(text)


def from_html(html: str) -> str:
    """The text of ``html``, paragraphs apart by an empty line."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    parser.end_paragraph()
    return "\n\n".join(parser.paragraphs) + "\n"
