"""Work done in the background, by `manage.py db_worker` (django-tasks, database backend):
a large import's dry run and its apply, reporting progress as they go."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from mapping.importing.batches import run_apply, run_dry_run
from mapping.models import ImportBatch


@task()
def check_import(batch_id: str) -> None:
    run_dry_run(ImportBatch.objects.select_related("framework", "mapping").get(pk=batch_id))


@task()
def apply_import(batch_id: str, user_id: int | None) -> None:
    batch = ImportBatch.objects.select_related("framework", "mapping").get(pk=batch_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run_apply(batch, by=user)
