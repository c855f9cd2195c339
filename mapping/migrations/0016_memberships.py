"""Roles per register: a membership gives a person a role site-wide or in one register.

Each person's role so far (a Django group: viewer, editor or publisher, made by 0005)
becomes a site-wide membership with the highest of them, and the groups go: roles are
memberships now. Migrating backwards puts everyone with a site-wide membership back in
the group of their role (a role in one register has no group to go back to)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

ROLES = ["viewer", "editor", "publisher"]  # lowest first


def groups_to_memberships(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("mapping", "Membership")
    highest = {}
    for group in Group.objects.filter(name__in=ROLES).prefetch_related("user_set"):
        for user in group.user_set.all():
            if ROLES.index(group.name) >= ROLES.index(highest.get(user.pk, "viewer")):
                highest[user.pk] = group.name
    Membership.objects.bulk_create(
        Membership(user_id=user_id, mapping=None, role=role) for user_id, role in highest.items()
    )
    Group.objects.filter(name__in=ROLES).delete()


def memberships_to_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("mapping", "Membership")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    for membership in Membership.objects.filter(mapping__isnull=True):
        groups[membership.role].user_set.add(membership.user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0015_neutral_link"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Membership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("viewer", "Viewer"),
                            ("editor", "Editor"),
                            ("publisher", "Publisher"),
                        ],
                        max_length=10,
                    ),
                ),
                ("granted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "mapping",
                    models.ForeignKey(
                        blank=True,
                        help_text="Leave empty for the whole site.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="mapping.mapping",
                        verbose_name="register",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["user", "mapping"]},
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("mapping__isnull", True)),
                fields=("user",),
                name="membership_site_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("mapping__isnull", False)),
                fields=("user", "mapping"),
                name="membership_register_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", ["viewer", "editor", "publisher"])),
                name="membership_role_valid",
            ),
        ),
        migrations.RunPython(groups_to_memberships, memberships_to_groups),
    ]
