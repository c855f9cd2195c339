"""Markdown written by an organisation, rendered safely: no raw HTML or script survives."""

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code",
    "hr",
}  # fmt: skip


def render_markdown(text: str) -> SafeString:
    # Markdown passes raw HTML through, so the sanitiser has the last word on what is emitted.
    html = markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")
    # The page owns <h1>: an author's top-level heading becomes a section heading.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # cleaned by nh3 just above
