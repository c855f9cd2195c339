"""Editions become rows that the live register's queries can read: each edition keeps its
own frameworks, elements, links and reviewed gaps, copied here from the JSON snapshot it
was published with. Changes learn which framework they belong to, so "changes since an
edition" can count the edition's own register only."""

import importlib

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models
from django.utils.dateparse import parse_datetime

frozen = importlib.import_module("mapping.migrations.0005_editing_history_editions")

FRAMEWORK_FIELDS = [
    "name", "slug", "kind", "publisher", "version_label", "year", "source_url", "citation_note",
    "description",
]  # fmt: skip
ELEMENT_FIELDS = ["code", "title", "description", "level_label", "position"]


def drop_edition_trigger(apps, schema_editor):
    frozen.run(frozen.EDITION_DROP)(apps, schema_editor)


def create_edition_trigger(apps, schema_editor):
    frozen.run(frozen.EDITION_CREATE)(apps, schema_editor)


def editions_to_rows(apps, schema_editor):
    """Each published edition's snapshot, written out as frozen rows."""
    Edition = apps.get_model("mapping", "Edition")
    EditionFramework = apps.get_model("mapping", "EditionFramework")
    EditionElement = apps.get_model("mapping", "EditionElement")
    EditionLink = apps.get_model("mapping", "EditionLink")
    EditionGap = apps.get_model("mapping", "EditionGap")
    for edition in Edition.objects.order_by("pk"):
        snapshot = edition.snapshot
        mapping = snapshot["mapping"]
        Edition.objects.filter(pk=edition.pk).update(
            register_name=mapping["name"],
            organisation=mapping["organisation"],
            register_description=mapping["description"],
            guide_intro=mapping["guide_intro"],
        )
        elements = {}
        for side in ("behaviours", "standards"):
            data = snapshot[side]
            framework = EditionFramework.objects.create(
                edition=edition, framework_id=data["id"], **{k: data[k] for k in FRAMEWORK_FIELDS}
            )
            elements |= {e["id"]: (framework, e) for e in data["elements"]}
        made = {}
        waiting = list(elements.values())
        while waiting:
            ready = [
                (framework, e) for framework, e in waiting
                if e["parent_id"] is None or e["parent_id"] in made or e["parent_id"] not in elements
            ]  # fmt: skip
            for framework, e in sorted(ready, key=lambda pair: pair[1]["id"]):
                made[e["id"]] = EditionElement.objects.create(
                    edition=edition,
                    framework=framework,
                    element_id=e["id"],
                    parent=made.get(e["parent_id"]),
                    **{k: e[k] for k in ELEMENT_FIELDS},
                )
            waiting = [(f, e) for f, e in waiting if e["id"] not in made]
        EditionLink.objects.bulk_create(
            EditionLink(
                edition=edition,
                link_id=link["id"],
                behaviour=made[link["behaviour_id"]],
                standard=made[link["standard_id"]],
                relation=link["relation"],
                rationale=link["rationale"],
                example=link["example"],
                updated_at=parse_datetime(link["updated_at"]),
            )
            for link in sorted(snapshot["links"], key=lambda link: link["id"])
        )
        EditionGap.objects.bulk_create(
            EditionGap(
                edition=edition,
                element=made[gap["element_id"]],
                reason=gap["reason"],
                decided_by_name=gap["decided_by"],
                decided_at=parse_datetime(gap["decided_at"]),
            )
            for gap in snapshot["reviewed_gaps"]
            if gap["element_id"] in made
        )


def changes_to_frameworks(apps, schema_editor):
    """Say which framework each recorded change to an element or a framework belongs to."""
    Change = apps.get_model("mapping", "Change")
    Element = apps.get_model("standards", "Element")
    Framework = apps.get_model("standards", "Framework")
    framework_of = dict(Element.objects.values_list("pk", "framework_id"))
    frameworks = set(Framework.objects.values_list("pk", flat=True))
    for change in Change.objects.filter(subject_type__in=["element", "framework"]):
        if change.subject_type == "element":
            framework_id = framework_of.get(change.subject_id)
        else:
            framework_id = change.subject_id if change.subject_id in frameworks else None
        if framework_id is not None:
            Change.objects.filter(pk=change.pk).update(framework_id=framework_id)


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0005_editing_history_editions"),
        ("standards", "0005_framework_retired"),
    ]

    operations = [
        migrations.RunPython(drop_edition_trigger, create_edition_trigger),
        migrations.AddField(
            model_name="change",
            name="framework",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="standards.framework",
            ),
        ),
        migrations.AddField(
            model_name="edition",
            name="guide_intro",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="edition",
            name="organisation",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="edition",
            name="register_description",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="edition",
            name="register_name",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="EditionFramework",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("behaviours", "Behaviours framework"),
                            ("standards", "Standards framework"),
                        ],
                        max_length=20,
                    ),
                ),
                ("publisher", models.CharField(max_length=200)),
                ("version_label", models.CharField(blank=True, max_length=60)),
                ("year", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("source_url", models.URLField(blank=True)),
                (
                    "citation_note",
                    models.TextField(
                        blank=True,
                        help_text="Who owns the wording and how to cite or reuse it.",
                        verbose_name="how to cite / licence note",
                    ),
                ),
                ("description", models.TextField(blank=True)),
                ("slug", models.SlugField(max_length=80)),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="frameworks",
                        to="mapping.edition",
                    ),
                ),
                (
                    "framework",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="standards.framework",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="EditionElement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        max_length=32,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit.",
                            )
                        ],
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                ("description", models.TextField(blank=True)),
                (
                    "level_label",
                    models.CharField(
                        help_text='For example "Behaviour" or "Standard statement".', max_length=60
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="elements",
                        to="mapping.edition",
                    ),
                ),
                (
                    "element",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="standards.element",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="children",
                        to="mapping.editionelement",
                    ),
                ),
                (
                    "framework",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="elements",
                        to="mapping.editionframework",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="EditionGap",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField()),
                ("decided_by_name", models.CharField(blank=True, max_length=300)),
                ("decided_at", models.DateTimeField()),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reviewed_gaps",
                        to="mapping.edition",
                    ),
                ),
                (
                    "element",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="mapping.editionelement",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="EditionLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "relation",
                    models.CharField(
                        choices=[
                            ("same_as", "Is the same as"),
                            ("fully_covers", "Fully covers"),
                            ("partly_covers", "Partly covers"),
                            ("closely_matches", "Closely matches"),
                            ("supports", "Supports"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "rationale",
                    models.TextField(help_text="Why the behaviour relates to the standard."),
                ),
                (
                    "example",
                    models.TextField(
                        blank=True,
                        help_text="An example of the link in everyday work.",
                        verbose_name="in practice",
                    ),
                ),
                ("updated_at", models.DateTimeField()),
                (
                    "behaviour",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="mapping.editionelement",
                    ),
                ),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="mapping.edition",
                    ),
                ),
                (
                    "link",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="mapping.link",
                    ),
                ),
                (
                    "standard",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="mapping.editionelement",
                    ),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name="editionframework",
            constraint=models.UniqueConstraint(
                fields=("edition", "kind"), name="edition_framework_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="editionelement",
            constraint=models.UniqueConstraint(
                fields=("framework", "code"), name="edition_element_code_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="editionelement",
            constraint=models.UniqueConstraint(
                fields=("edition", "element"), name="edition_element_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="editionlink",
            constraint=models.UniqueConstraint(
                fields=("edition", "link"), name="edition_link_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="editionlink",
            constraint=models.UniqueConstraint(
                fields=("edition", "behaviour", "standard"), name="edition_link_pair_unique"
            ),
        ),
        migrations.RunPython(editions_to_rows, migrations.RunPython.noop),
        migrations.RunPython(changes_to_frameworks, migrations.RunPython.noop),
    ]
