from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.practitioner.views.my_data import PasswordChange
from assessments.web import errors, sign_in
from assessments.web.forms import AccountPasswordResetForm
from assessments.web.sign_in import local_passwords_only

admin.site.site_header = "Practitioner check-in administration"
admin.site.site_title = "Practitioner check-in"

urlpatterns = [
    # Before Django's own, so the name "password_change" finds this one: the old password is throttled like a sign-in.
    path("accounts/password_change/", local_passwords_only(PasswordChange.as_view()), name="password_change"),
    path("accounts/login/", sign_in.sign_in, name="login"),
    path("accounts/logout/", sign_in.sign_out, name="logout"),
    # With LOCAL_PASSWORDS off there is no password to change or reset (docs/deploy.md).
    path(
        "accounts/password_reset/",
        local_passwords_only(auth_views.PasswordResetView.as_view(form_class=AccountPasswordResetForm)),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        local_passwords_only(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/login/", sign_in.admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]

handler400 = errors.bad_request
handler500 = errors.server_error
