from django.urls import reverse


def test_the_home_page_shows_frameworks_counts_and_navigation(client, demo):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert demo.name in html
    assert "<strong>90</strong> links" in html
    assert "<strong>10</strong> behaviours" in html
    assert "<strong>25</strong> culture descriptors" in html
    assert "<strong>7</strong> characteristics" in html
    assert "<strong>35</strong> standard statements" in html
    assert reverse("link_table") in html
    assert reverse("behaviour_detail", args=["B1"]) in html
    assert reverse("standard_detail", args=["LEA"]) in html
    assert "Chartered Institute of Housing" in html


def test_relation_counts_add_up_and_link_to_the_filtered_table(client, demo):
    html = client.get(reverse("home")).content.decode()
    assert f"{reverse('link_table')}?relation=same_as" in html
    counts = [int(n) for n in __import__("re").findall(r'\?relation=\w+">(\d+)<', html)]
    assert sum(counts) == demo.links.count()


def test_the_home_page_explains_what_to_do_when_empty(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "seed_demo" in response.content.decode()


def test_the_home_page_costs_the_same_queries_at_any_size(
    client, demo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get(reverse("home"))
