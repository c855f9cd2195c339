"""Time signing in through an identity provider on loopback, beside signing in with a
password, in one run.

    .venv/bin/python bench/oidc_signin.py [--runs 50]

A real OpenID provider (oidc-provider-mock) runs in a thread on loopback. Each sign-in
through it is the whole journey a browser makes: Weave's start (discovery read from the
cache after the first, state, nonce and PKCE into the session), the provider's
authorization, and Weave's callback (the code exchanged for tokens, the provider's keys
fetched, the ID token checked, the userinfo read, the account found and its role set from
its groups). The password sign-in is Django's login form with the same account's password
(PBKDF2 at Django's default work factor, as in production; the tests' settings use a
fast hasher). Prints p50 and p95 in ms, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from urllib.parse import quote, urlsplit

from scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        os.environ.update(WEAVE_OIDC_ISSUER=issuer, WEAVE_OIDC_CLIENT_ID="weave",
                          WEAVE_OIDC_CLIENT_SECRET="bench", WEAVE_OIDC_ROLES_CLAIM="groups",
                          WEAVE_OIDC_ROLE_MAP="weave-editors=editor")  # fmt: skip
        with scratch_database():
            measure(issuer, args.runs)


def measure(issuer: str, runs: int) -> None:
    import httpx
    from django.contrib.auth.models import User
    from django.test import Client

    email = "sam@example.org"
    httpx.put(f"{issuer}/users/{quote(email)}", json={"email": email, "groups": ["weave-editors"]})

    def through_provider() -> None:
        client = Client()
        start = client.get("/accounts/oidc/start/")
        authorized = httpx.post(start["Location"], data={"sub": email})
        back = urlsplit(authorized.headers["location"])
        assert client.get(f"{back.path}?{back.query}").status_code == 302

    def with_password() -> None:
        client = Client()
        response = client.post("/accounts/login/", {"username": "pat", "password": "pats-pw-1"})
        assert response.status_code == 302

    through_provider()  # the account is made, discovery read
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    User.objects.create_user("pat", password="pats-pw-1")
    timings: dict[str, list[float]] = {"identity provider": [], "password": []}
    for _ in range(runs):  # alternately, so that both meet the same load
        for name, sign_in in (("identity provider", through_provider), ("password", with_password)):
            started = time.perf_counter()
            sign_in()
            timings[name].append((time.perf_counter() - started) * 1000)
    print(f"{runs} sign-ins each, on loopback; ms")
    for name, found in timings.items():
        found.sort()
        p95 = found[min(len(found) - 1, round(0.95 * (len(found) - 1)))]
        print(f"{name:<18} p50 {statistics.median(found):7.1f}   p95 {p95:7.1f}")
    ratio = statistics.median(timings["identity provider"]) / statistics.median(timings["password"])
    print(f"identity provider / password, p50: {ratio:.2f}")


if __name__ == "__main__":
    main()
