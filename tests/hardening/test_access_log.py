"""`make serve`'s access log keeps no one-time key: an invitation's or a password reset's
address is logged with the key as "…", in the request line, the path and the referrer."""

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config

from mapping.core.access_log import KeysHidden


def test_one_time_keys_are_not_written_to_the_access_log():
    environ = {
        "REQUEST_METHOD": "POST", "SERVER_PROTOCOL": "HTTP/1.1",
        "RAW_URI": "/invitations/BtNPlqdG-secret_s/?next=/", "QUERY_STRING": "next=/",
        "PATH_INFO": "/invitations/BtNPlqdG-secret_s/",
        "HTTP_REFERER": "https://weave.example.org/accounts/reset/MQ/cd3-secret-token/",
    }  # fmt: skip
    atoms = KeysHidden(Config()).atoms(SimpleNamespace(status="302 Found", sent=0, headers=[]),
                                       SimpleNamespace(headers=[]), environ,
                                       timedelta(milliseconds=5))  # fmt: skip
    assert atoms["r"] == "POST /invitations/…/?next=/ HTTP/1.1"
    assert atoms["U"] == "/invitations/…/"
    assert atoms["f"] == "https://weave.example.org/accounts/reset/MQ/…/"
    assert "secret" not in " ".join(str(value) for value in atoms.values())
    plain = KeysHidden(Config()).atoms(SimpleNamespace(status="200 OK", sent=10, headers=[]),
                                       SimpleNamespace(headers=[]),
                                       {**environ, "RAW_URI": "/links/?q=x", "PATH_INFO": "/links/",
                                        "HTTP_REFERER": "-"}, timedelta(0))  # fmt: skip
    assert plain["r"] == "POST /links/?q=x HTTP/1.1"


def test_make_serve_logs_through_it():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert "--logger-class mapping.core.access_log.KeysHidden" in makefile
