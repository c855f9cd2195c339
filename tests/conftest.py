import io

import pytest
from django.core.management import call_command

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


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing kept: no page kept for another test's data."""
    from django.core.cache import cache

    from mapping.caching.pages import forget
    from mapping.caching.versioning import forget_kept

    cache.clear()
    forget()
    forget_kept()


@pytest.fixture
def demo(db):
    """The shipped demo register: CIH standards, Example Homes behaviours, their mapping."""
    call_command("seed_demo", password="demo-password-for-tests", stdout=io.StringIO())
    return Mapping.objects.default()


@pytest.fixture
def small(db):
    """A hand-built register small enough to reason about in a test.

    Behaviours: B1 (B1.1, B1.2), B2.  Standards: S1 (S1.1, S1.2), S2.
    Links: B1.1→S1.1 fully, B1→S2 supports, B2→S1.2 partly.
    """
    behaviours = Framework.objects.create(
        name="Our ways", slug="our-ways", kind="behaviours", publisher="Org"
    )
    standards = Framework.objects.create(
        name="The standards", slug="the-standards", kind="standards", publisher="Body"
    )

    def element(framework, code, title, parent=None, position=0):
        return Element.objects.create(
            framework=framework,
            code=code,
            title=title,
            parent=parent,
            level_label="Child" if parent else "Top",
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


@pytest.fixture
def people(db):
    """One account per site-wide role, plus nobody with any role."""
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


@pytest.fixture
def as_role(people):
    """A logged-in test client for a role: as_role("editor"). "anonymous" logs nobody in."""
    from django.test import Client

    def client(role: str) -> Client:
        c = Client()
        if role != "anonymous":
            c.force_login(people[role])
        return c

    return client


@pytest.fixture
def published(demo, people):
    """The demo register published as edition 1, with one draft link that must stay out."""
    from mapping.models import Edition

    draft = Link.objects.create(
        mapping=demo,
        source=demo.source_framework.elements.get(code="B1"),
        target=demo.target_framework.elements.get(code="LEA"),
        relation="supports",
        rationale="A draft nobody approved.",
    )
    edition = Edition.objects.publish(demo, by=people["publisher"], title="Launch", notes="First.")
    return {"mapping": demo, "edition": edition, "draft": draft}


@pytest.fixture
def site(small, people):
    """Something of every kind a page can name, for the table of every view and the
    fuzzing: the small register with every link approved and published as edition 1, a
    second mapping between the same frameworks, also published, a change, an import and
    an API token. Returns the ids the table's addresses name."""
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
            "batch": batch.pk, "token": token.pk, "person": people["viewer"].pk,
            "invitation": invitation.pk, "invitation_key": key,
            "unsubscribe": unsubscribe}  # fmt: skip
