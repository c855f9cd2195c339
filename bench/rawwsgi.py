"""Weave's WSGI application with one raw endpoint beside it, for bench/throughput.py: /raw
answers "ok" without Django, the most a worker of this server can do."""

from mapping.wsgi import application as weave


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/raw":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    return weave(environ, start_response)
