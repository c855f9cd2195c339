import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapping.settings")

application = get_wsgi_application()

# Everything loaded so far lives as long as the process: move it out of the garbage
# collector's sight, so that a full collection (every few requests on a large register)
# scans what the requests made, not the whole of Django and its templates.
gc.freeze()
