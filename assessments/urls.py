from django.urls import path

from .views import checkins, invites, quality

urlpatterns = [
    path("", checkins.home, name="home"),
    path("checkins/start/", checkins.checkin_begin, name="checkin_begin"),
    path("checkins/history/", checkins.history, name="history"),
    path("checkins/<int:pk>/", checkins.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/discard/", checkins.checkin_discard_view, name="checkin_discard"),
    path("checkins/<int:pk>/<slug:step_slug>/", checkins.checkin_step, name="checkin_step"),
    path("teams/<int:team_pk>/invites/", invites.team_invites, name="team_invites"),
    path("join/<str:token>/", invites.join, name="join"),
    path("healthz", quality.healthz, name="healthz"),
]
