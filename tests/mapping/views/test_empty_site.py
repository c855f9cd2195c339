"""A brand-new site, with no register yet: every page a register would have says so."""

import re

import pytest


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.find("<main") :]))


@pytest.mark.parametrize("url", ["/links/", "/matrix/", "/map/", "/coverage/", "/editions/",
                                 "/guide.pdf", "/elements/anything/A1/"])  # fmt: skip
def test_a_site_with_no_register_yet_says_so_where_a_register_would_be(db, client, url):
    """A brand-new site (no register): the home page says how to start; a register's page
    is a 404 that says there is none yet and leads there, not "nothing at this address"."""
    home = _text(client.get("/"))
    assert "There is no register yet." in home and "Log in to start one." in home
    response = client.get(url)
    assert response.status_code == 404
    page = _text(response)
    assert "No register yet" in page and "The home page says how to start one." in page
    assert "mistyped" not in page
