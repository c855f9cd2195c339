"""The daily digest: for everyone watching a register with the digest chosen, what changed
in it in the last day, queued and sent (run it once a day, from cron or a timer)."""

from django.core.management.base import BaseCommand

from mapping.notifying.queue import queue_digests
from mapping.notifying.sending import deliver_due
from mapping.tasks import deliver_when_due


class Command(BaseCommand):
    help = "Queue and send the daily digests of watched registers (run once a day)."

    def handle(self, *args, **options):
        queued = queue_digests()
        sent = deliver_due()
        deliver_when_due()  # what the mail server refused is tried again by the worker
        self.stdout.write(f"Queued {queued} digest(s); sent {sent} email(s).")
