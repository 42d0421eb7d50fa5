"""The app's URLs, one module per area, each under its own namespace."""

from django.urls import include, path

urlpatterns = [
    path("", include("assessments.web.urls")),
    path("", include("assessments.practitioner.urls")),
    path("", include("assessments.leads.urls")),
]
