from django.contrib import admin
from django.urls import include, path

from assessments.web import errors

admin.site.site_header = "Resilience check-in administration"
admin.site.site_title = "Resilience check-in"

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]

handler400 = errors.bad_request
handler500 = errors.server_error
