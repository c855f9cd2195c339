"""A page's query string: a parameter given twice, or under its old name beside its new
one, is a 400 that names it, on the web as in the API, never one value taken silently."""

import html

import pytest

from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()


@pytest.mark.parametrize(("url", "name"), [
    ("/links/?page=1&page=2", "page"),
    ("/links/?relation=supports&relation=partly_covers", "relation"),
    ("/links.csv?relation=supports&relation=supports", "relation"),
    ("/matrix/?expand=B1&expand=B2", "expand"),
    ("/links/{link}/?format=ris&format=apa", "format"),  # ids run on, on PostgreSQL
    ("/editions/compare/?old=1&new=1&old=1", "old"),
    ("/changes/?page=1&page=2", "page"),
])  # fmt: skip
def test_a_parameter_given_twice_is_a_400_that_names_it(published, client, url, name):
    url = url.replace("{link}", str(published["mapping"].links.order_by("pk").first().pk))
    response = client.get(url)
    assert response.status_code == 400, url
    said = html.unescape(response.content.decode())
    assert f"“{name}” is given 2 times in the address: give it once." in said, url


def test_an_old_name_beside_its_new_one_is_a_400_that_names_both(demo, client):
    response = client.get("/links/?behaviour=B1&source=B2")
    assert response.status_code == 400
    said = html.unescape(response.content.decode())
    assert "“source” and “behaviour” (its old name) are both in the address" in said
    assert client.get("/links/?behaviour=B1").status_code == 200  # alone, it still works
