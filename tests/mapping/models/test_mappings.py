"""Mappings: the database's rules for them, and finding the default one."""

import pytest
from django.core.exceptions import ValidationError

from mapping.models import Mapping
from standards.models import Framework
from tests.integrity import refused


class TestMappingIntegrity:
    def test_it_refuses_a_framework_mapped_onto_itself(self, small):
        mapping = Mapping(
            name="Itself",
            slug="itself",
            organisation="Org",
            source_framework=small["standards"],
            target_framework=small["standards"],
        )
        with pytest.raises(ValidationError, match="two different frameworks"):
            mapping.full_clean()
        refused(mapping.save)

    def test_it_allows_any_two_frameworks_whatever_their_kinds(self, small):
        other = Framework.objects.create(name="O", slug="o", kind="standards", publisher="X")
        for source, target in ((small["standards"], other), (small["standards"],
                                                             small["behaviours"])):  # fmt: skip
            Mapping(name=f"{source} onto {target}", slug=f"{source.slug}-{target.slug}",
                    organisation="Org", source_framework=source,
                    target_framework=target).full_clean()  # fmt: skip
        Mapping.objects.create(
            name="Crosswalk", slug="crosswalk", organisation="Org",
            source_framework=small["standards"], target_framework=other,
        )  # fmt: skip

    def test_it_allows_only_one_default_mapping(self, small):
        other = Framework.objects.create(name="O", slug="o", kind="standards", publisher="X")
        refused(
            lambda: Mapping.objects.create(
                name="Second",
                slug="second",
                organisation="Org",
                source_framework=small["behaviours"],
                target_framework=other,
                is_default=True,
            )
        )

    def test_it_refuses_changing_the_frameworks_of_a_mapping_with_links(self, small):
        other = Framework.objects.create(name="O", slug="o", kind="standards", publisher="X")
        refused(
            lambda: Mapping.objects.filter(pk=small["mapping"].pk).update(target_framework=other)
        )

    def test_the_default_and_the_mappings_using_a_framework(self, small):
        assert Mapping.objects.default() == small["mapping"]
        assert list(Mapping.objects.using_framework(small["standards"])) == [small["mapping"]]
        spare = Framework.objects.create(
            name="Spare", slug="spare", kind="standards", publisher="X"
        )
        assert not Mapping.objects.using_framework(spare).exists()

    def test_the_default_mapping_sits_at_the_top_of_the_site(self, small):
        mapping = small["mapping"]
        assert mapping.url_kwargs == {}
        mapping.is_default = False
        assert mapping.url_kwargs == {"slug": "ours"}
