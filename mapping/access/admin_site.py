"""The admin is for staff: anyone else signed in is refused (a 403), as in Weave's own
write views, rather than offered the admin's login page again. Nobody signed in is asked
to log in, as before."""

from functools import wraps

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied


class WeaveAdminSite(AdminSite):
    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("The admin is for staff.")
            return guarded(request, *args, **kwargs)

        return inner
