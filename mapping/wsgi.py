import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapping.settings")


class _Headers:
    """A HEAD request's answer: the headers a GET would get (Content-Length too), and no
    body, as HTTP asks; Django leaves taking the body off to the server, and gunicorn
    warns of every such body in its log."""

    def __init__(self, body) -> None:
        self.body = body

    def __iter__(self):
        return iter(())

    def close(self) -> None:
        if hasattr(self.body, "close"):
            self.body.close()


def _bodiless_head(app):
    def answer(environ, start_response):
        body = app(environ, start_response)
        return _Headers(body) if environ.get("REQUEST_METHOD") == "HEAD" else body

    return answer


application = _bodiless_head(get_wsgi_application())

# Everything loaded so far lives as long as the process: move it out of the garbage
# collector's sight, so that a full collection (every few requests on a large register)
# scans what the requests made, not the whole of Django and its templates.
gc.freeze()
