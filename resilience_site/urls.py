from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.practitioner.views.my_data import PasswordChange
from assessments.web import errors
from assessments.web.forms import SignInForm

admin.site.site_header = "Practitioner check-in administration"
admin.site.site_title = "Practitioner check-in"

urlpatterns = [
    # Before Django's own, so the name "password_change" finds this one: the old password is throttled like a sign-in.
    path("accounts/password_change/", PasswordChange.as_view(), name="password_change"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]

handler400 = errors.bad_request
handler500 = errors.server_error
