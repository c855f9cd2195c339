"""Each element's place in its framework's tree order, stored so that lists sort by it."""

from django.db import migrations, models

from standards.models import tree_ranks


def number_elements(apps, schema_editor):
    Element = apps.get_model("standards", "Element")
    for framework_id in set(Element.objects.values_list("framework_id", flat=True)):
        elements = list(Element.objects.filter(framework_id=framework_id))
        ranks = tree_ranks((e.pk, e.parent_id, e.position, e.code) for e in elements)
        for element in elements:
            element.tree_rank = ranks[element.pk]
        Element.objects.bulk_update(elements, ["tree_rank"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0008_text_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="element",
            name="tree_rank",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="element",
            index=models.Index(
                fields=["framework", "tree_rank"], name="standards_e_framewo_04d804_idx"
            ),
        ),
        migrations.RunPython(number_elements, migrations.RunPython.noop),
    ]
