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
    # The same name again (a second version, say): the next free short name.
    again = as_role("editor").post(reverse("framework_create"), framework())
    assert again["Location"] == "/frameworks/safonau-proffesiynol-cymru-2/"


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
    # "new" is kept for the page that makes one: typed, it is refused; from a name, passed by.
    typed = as_role("admin").post(reverse("mapping_create"), data | {"name": "N", "slug": "new"})
    assert "“new” is kept for this page" in typed.content.decode()
    made = as_role("admin").post(reverse("mapping_create"), data | {"name": "New"})
    assert made["Location"] == "/m/new-2/"


def test_what_would_do_is_a_short_name_that_would_be_taken(small, as_role):
    """Never one already taken, nor one kept for a page ("new"), nor one ending in "-"."""
    Framework.objects.create(name="Other", slug="safonau-proffesiynol-cymru", kind="standards",
                             publisher="X")  # fmt: skip
    taken = as_role("editor").post(reverse("framework_create"), framework(slug="Bad Slug"))
    assert "“safonau-proffesiynol-cymru-2” would do." in taken.content.decode()
    blank = as_role("editor").post(reverse("framework_create"), framework())
    assert blank.status_code == 302
    assert Framework.objects.get(name=WELSH).slug == "safonau-proffesiynol-cymru-2"
    again = framework(name="Again", slug="safonau-proffesiynol-cymru")
    typed = as_role("editor").post(reverse("framework_create"), again)
    assert "Another framework has that short name: choose another." in typed.content.decode()
    data = {"name": "New", "slug": "bad slug", "organisation": "Us",
            "source_framework": small["behaviours"].pk,
            "target_framework": small["standards"].pk}  # fmt: skip
    kept = as_role("admin").post(reverse("mapping_create"), data).content.decode()
    assert "“new-2” would do." in kept and "“new” would do" not in kept
    long = as_role("admin").post(reverse("mapping_create"),
                                 data | {"name": "a" * 79 + " bbb", "slug": ""})  # fmt: skip
    assert long.status_code == 302
    assert Mapping.objects.get(name="a" * 79 + " bbb").slug == "a" * 79


def test_a_typed_short_name_is_kept_in_small_letters_and_capitals_do_not_tell_two_apart(
    small, as_role
):
    made = as_role("editor").post(reverse("framework_create"),
                                  framework(slug="-Safonau-"))  # fmt: skip
    assert made["Location"] == "/frameworks/safonau/"
    again = as_role("editor").post(reverse("framework_create"),
                                   framework(name="Other", slug="SAFONAU"))  # fmt: skip
    html = again.content.decode()
    assert again.status_code == 400
    assert "Another framework has that short name: choose another. “other” would do." in html
    data = {"name": "Ours again", "slug": "OURS", "organisation": "Us",
            "source_framework": small["behaviours"].pk,
            "target_framework": small["standards"].pk}  # fmt: skip
    assert "Another register has that short name" in as_role("admin").post(
        reverse("mapping_create"), data).content.decode()  # fmt: skip
    kept = as_role("admin").post(reverse("mapping_create"), data | {"slug": "NEW"})
    assert "“new” is kept for this page" in kept.content.decode()
