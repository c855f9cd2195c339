"""The rows the shared fixtures make (tests/conftest.py), as plain functions, and a way for
a module of many read-only cases to make them once."""

import pytest

from mapping.models import (
    ApiToken,
    Change,
    Edition,
    ImportBatch,
    Invitation,
    Link,
    LinkStatus,
    Mapping,
    Membership,
    Relation,
)
from mapping.models.notices import Notice
from mapping.notifying.sending import unsubscribe_token
from standards.models import Element, Framework
from tests.synthetic import crosswalk_suggestion, new_version


def build_small() -> dict:
    """The small fixture's rows."""
    behaviours = Framework.objects.create(
        name="Our ways", slug="our-ways", kind="behaviours", publisher="Org"
    )
    standards = Framework.objects.create(
        name="The standards", slug="the-standards", kind="standards", publisher="Body"
    )

    def element(framework, code, title, parent=None, position=0):
        # An organisation's behaviours are named so by their framework's level, as the
        # register's words for them are (mapping/register/words.py).
        levels = ("Top", "Child") if framework.kind == "standards" else ("Behaviour", "Descriptor")
        return Element.objects.create(
            framework=framework,
            code=code,
            title=title,
            parent=parent,
            level_label=levels[1] if parent else levels[0],
            position=position,
        )

    b1 = element(behaviours, "B1", "Be kind", position=1)
    b11 = element(behaviours, "B1.1", "Listen well", b1, 1)
    b12 = element(behaviours, "B1.2", "Say thank you", b1, 2)
    b2 = element(behaviours, "B2", "Be brave", position=2)
    s1 = element(standards, "S1", "Respect", position=1)
    s11 = element(standards, "S1.1", "Hear people out", s1, 1)
    s12 = element(standards, "S1.2", "Challenge unfairness", s1, 2)
    s2 = element(standards, "S2", "Service", position=2)
    mapping = Mapping.objects.create(
        name="Our ways to the standards",
        slug="ours",
        organisation="Org",
        source_framework=behaviours,
        target_framework=standards,
        is_default=True,
    )
    links = {
        "b11_s11": Link.objects.create(
            mapping=mapping,
            source=b11,
            target=s11,
            relation=Relation.FULLY_COVERS,
            rationale="Listening is hearing people out.",
        ),
        "b1_s2": Link.objects.create(
            mapping=mapping,
            source=b1,
            target=s2,
            relation=Relation.SUPPORTS,
            rationale="Kindness makes for good service.",
            example="Offering a cup of tea.",
        ),
        "b2_s12": Link.objects.create(
            mapping=mapping,
            source=b2,
            target=s12,
            relation=Relation.PARTLY_COVERS,
            rationale="Bravery includes challenging unfairness.",
        ),
    }
    return {
        "mapping": mapping,
        "behaviours": behaviours,
        "standards": standards,
        "b1": b1,
        "b11": b11,
        "b12": b12,
        "b2": b2,
        "s1": s1,
        "s11": s11,
        "s12": s12,
        "s2": s2,
        **links,
    }


def build_people() -> dict:
    """The people fixture's accounts."""
    from django.contrib.auth.models import User

    accounts = {"nobody": User.objects.create_user("nobody", password="pw")}
    for role in ("viewer", "editor", "publisher"):
        # seed_demo (the demo fixture) may have made these accounts already.
        user = User.objects.filter(username=role).first() or User.objects.create_user(role)
        Membership.objects.update_or_create(user=user, mapping=None, defaults={"role": role})
        accounts[role] = user
    accounts["admin"] = User.objects.filter(username="admin").first() or \
        User.objects.create_superuser("admin")  # fmt: skip
    return accounts


def build_site(small, people) -> dict:
    """The site fixture's rows."""
    Link.objects.update(status=LinkStatus.APPROVED)
    Edition.objects.publish(small["mapping"], by=people["publisher"], title="One")
    other = Mapping.objects.create(
        name="Another view", slug="other", organisation="Org",
        source_framework=small["behaviours"], target_framework=small["standards"],
    )  # fmt: skip
    Link.objects.create(
        mapping=other, source=small["b1"], target=small["s11"], relation="supports",
        rationale="Another way to see it.", status=LinkStatus.APPROVED,
    )  # fmt: skip
    Edition.objects.publish(other, by=people["publisher"], title="Other one")
    change = Change.objects.apply(small["b2"], {"title": "Be bold"}, by=people["editor"])
    batch = ImportBatch.objects.create(
        kind="links", file_format="csv", filename="links.csv", content=b"", mapping=other,
        state=ImportBatch.State.PLANNED, created_by=people["editor"],
    )  # fmt: skip
    token, _key = ApiToken.issue(people["publisher"], "Intranet")
    crosswalk_suggestion(small)
    new_version(small)
    invitation, key = Invitation.objects.issue("new@example.org", "viewer", None,
                                               by=people["admin"])  # fmt: skip
    unsubscribe = unsubscribe_token(Notice(user=people["publisher"], kind="proposals"))
    return {"link": small["b11_s11"].pk, "element": small["b2"].pk, "change": change.pk,
            "batch": batch.pk, "token": token.pk, "token_holder": people["publisher"].pk,
            "person": people["viewer"].pk,
            "invitation": invitation.pk, "invitation_key": key,
            "unsubscribe": unsubscribe}  # fmt: skip


def site_per_module():
    """small, people and site fixtures for a module, from site_once: each test still
    runs in its own savepoint and gets fresh copies of the rows' Python objects."""

    @pytest.fixture
    def small(site_once, db):
        return {key: _fresh(value) for key, value in site_once[0].items()}

    @pytest.fixture
    def people(site_once, db):
        return {key: _fresh(value) for key, value in site_once[1].items()}

    @pytest.fixture
    def site(site_once, db):
        return dict(site_once[2])

    return small, people, site


def _fresh(row):
    return type(row).objects.get(pk=row.pk)


def demo_per_module():
    """A demo fixture for a module, from demo_once: the demo is seeded once, each test
    runs in its own savepoint and gets a fresh copy of the register."""

    @pytest.fixture
    def demo(demo_once, db):
        return Mapping.objects.default()

    return demo
