"""Time sending 1,000 daily digest emails through a real SMTP server on loopback.

    .venv/bin/python bench/digests.py [--people 1000]

A scratch database holds a synthetic register of 1,000 links, 50 changes made to it in the
last day, and --people people watching it with the daily digest chosen. aiosmtpd listens on
loopback and counts what arrives. Timed: queueing the digests (one query for the changes per
register, one notice row per person), and the worker's task body sending them (one SMTP
connection per email, as Django's backend does for send()). Prints seconds, emails per
second, and the process's peak resident memory (and how much sending added to it).
"""

from __future__ import annotations

import argparse
import resource
import socket
import time

from scratch import scratch_database


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name for it
        self.count += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with scratch_database():
            measure(args.people, counter, port)
    finally:
        controller.stop()


def measure(people: int, counter: Counter, port: int) -> None:
    from django.conf import settings
    from django.contrib.auth.models import User

    from mapping.models import Change
    from mapping.models.notices import Watch
    from mapping.notifying.queue import queue_digests
    from mapping.notifying.sending import deliver_due
    from tests.synthetic import build_register

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    mapping = build_register(1000)
    editor = User.objects.create_user("bench-editor")
    for link in mapping.links.order_by("pk")[:50]:
        Change.objects.apply(link, {"rationale": f"{link.rationale} Reworded."}, by=editor)
    users = User.objects.bulk_create(User(username=f"person-{n}", email=f"p{n}@example.org")
                                     for n in range(people))  # fmt: skip
    Watch.objects.bulk_create(Watch(user=user, mapping=mapping, editions=False, digest=True)
                              for user in users)  # fmt: skip
    started = time.perf_counter()
    queued = queue_digests()
    queueing = time.perf_counter() - started
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    sent = deliver_due()
    sending = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"queued {queued} digests in {queueing:.2f} s")
    print(f"sent {sent} emails in {sending:.2f} s ({sent / sending:.0f} a second); "
          f"{counter.count} arrived; the process's peak memory {after / 1024:.0f} MiB "
          f"({(after - before) / 1024:.0f} MiB more than before sending)")  # fmt: skip


if __name__ == "__main__":
    main()
