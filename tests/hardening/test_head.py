"""A HEAD request through the WSGI application gets a GET's headers and no body (Django
leaves that to the server; gunicorn warned of every HEAD in its log)."""

import io

from mapping.wsgi import application


def _call(method: str, path: str):
    said = {}

    def start_response(status, headers, exc_info=None):
        said["status"], said["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME":
        "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.input":
        io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(),
        "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip
    body = application(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        body.close()
    return said["status"], said["headers"], content


def test_head_is_answered_with_the_headers_of_a_get_and_no_body(db):
    status, headers, content = _call("GET", "/healthz")
    assert (status, content) == ("200 OK", b"ok")
    head_status, head_headers, head_content = _call("HEAD", "/healthz")
    assert (head_status, head_content) == ("200 OK", b"")
    assert head_headers["Content-Type"] == headers["Content-Type"]
