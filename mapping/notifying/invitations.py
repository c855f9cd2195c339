"""Invitations by email, where the site can send it: each with its link (where the site is,
WEAVE_SITE_URL), a plain and an HTML part, all of one batch over one connection to the mail
server. A server that is down, or that fails part way, leaves the rest unsent: their links
are shown, once, for the administrator to send (the invitations stand either way)."""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from mapping.models.people import Invitation
from mapping.notifying.sending import absolute

logger = logging.getLogger("weave.notices")


def send_invitations(issued: list[tuple[Invitation, str]]) -> list[dict]:
    """For each (invitation, key) just issued: its link, and whether it was emailed."""
    made = [{"invitation": invitation, "sent": False,
             "link": absolute(reverse("invitation_accept", args=[key]))}
            for invitation, key in issued]  # fmt: skip
    if not settings.EMAIL_ENABLED or not made:
        return made
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for one in made:
            _message(one["invitation"], one["link"], connection).send(fail_silently=False)
            one["sent"] = True
    except OSError as error:  # down, or gone part way: the rest are shown instead
        unsent = [one["invitation"].email for one in made if not one["sent"]]
        named = ", ".join(unsent[:5]) + (f" and {len(unsent) - 5} more" if len(unsent) > 5 else "")
        logger.warning("Could not email the invitation to %s: %s", named, error)
    finally:
        with contextlib.suppress(OSError):
            connection.close()
    return made


def _message(invitation: Invitation, link: str, connection) -> EmailMultiAlternatives:
    context = {"invitation": invitation, "link": link}
    whose = f" at {invitation.organisation}" if invitation.organisation else ""
    email = EmailMultiAlternatives(
        " ".join(f"You are invited to Weave{whose}".split()),  # one line, as a header is
        render_to_string("mapping/invitation_email.txt", context), None, [invitation.email],
        connection=connection,
    )  # fmt: skip
    email.attach_alternative(render_to_string("mapping/invitation_email.html", context),
                             "text/html")  # fmt: skip
    return email
