"""Short names for addresses (slugs): made from the name when left blank, and a refusal
that says which letters one may hold and what would do."""

from django.urls import reverse

from mapping.models import Mapping
from standards.models import Framework

WELSH = "Safonau Proffesiynol – Cymru"


def framework(**given) -> dict:
    return {"name": WELSH, "slug": "", "kind": "standards", "publisher": "Tai Cymru"} | given


def test_a_frameworks_short_name_left_blank_is_made_from_its_name(small, as_role):
    response = as_role("editor").post(reverse("framework_create"), framework())
    assert response.status_code == 302, response.content.decode()[-800:]
    assert Framework.objects.get(name=WELSH).slug == "safonau-proffesiynol-cymru"
    # The same name again: the address is taken, and said so; nothing is made.
    again = as_role("editor").post(reverse("framework_create"), framework())
    assert again.status_code == 400 and Framework.objects.filter(name=WELSH).count() == 1


def test_a_short_name_with_accents_says_which_letters_and_what_would_do(small, as_role):
    response = as_role("editor").post(reverse("framework_create"),
                                      framework(slug="ymddygiadau-ŵ"))  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400
    assert ("Use only letters a to z, digits and hyphens (no spaces or accents). "
            "“safonau-proffesiynol-cymru” would do.") in html  # fmt: skip
    assert "Enter a valid" not in html and not Framework.objects.filter(name=WELSH).exists()


def test_a_registers_short_name_left_blank_is_made_from_its_name(small, as_role):
    data = {"name": "Ein Hymddygiadau a’r Safonau", "slug": "", "organisation": "Tai Cymru",
            "source_framework": small["behaviours"].pk,
            "target_framework": small["standards"].pk}  # fmt: skip
    response = as_role("admin").post(reverse("mapping_create"), data)
    assert response.status_code == 302, response.content.decode()[-800:]
    assert Mapping.objects.get(name=data["name"]).slug == "ein-hymddygiadau-ar-safonau"
    # A name of other letters alone gives nothing to make one from: asked for, once.
    arabic = as_role("admin").post(reverse("mapping_create"), data | {"name": "مرحبا بكم"})
    html = arabic.content.decode()
    assert arabic.status_code == 400
    assert html.count("Give it a short name for its addresses: letters a to z") == 1
    # "new" is kept for the page that makes one, made from a name or typed.
    kept = as_role("admin").post(reverse("mapping_create"), data | {"name": "New"})
    assert "“new” is kept for this page" in kept.content.decode()
