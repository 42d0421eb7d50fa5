from django.urls import path

from assessments.web import health, metrics_page, session_timeout, sign_in, views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("join/<str:token>/", views.join, name="join"),
    path("actions/<int:pk>/difference/", views.action_voice, name="action_voice"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("support/", views.support, name="support"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("session/stay/", session_timeout.stay_signed_in, name="stay_signed_in"),
    path("sign-in/organisation/", sign_in.organisation_sign_in, name="organisation_sign_in"),
    path("sign-in/organisation/callback/", sign_in.organisation_sign_in_callback, name="organisation_sign_in_callback"),
    path("sign-in/organisation/jwks.json", sign_in.organisation_jwks, name="organisation_jwks"),
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("metrics", metrics_page.metrics, name="metrics"),
]
