from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("checkins/start/", views.checkin_begin, name="checkin_begin"),
    path("checkins/history/", views.history, name="history"),
    path("checkins/<int:pk>/", views.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/discard/", views.checkin_discard_view, name="checkin_discard"),
    path("checkins/<int:pk>/<slug:step_slug>/", views.checkin_step, name="checkin_step"),
    path("teams/<int:team_pk>/invites/", views.team_invites, name="team_invites"),
    path("join/<str:token>/", views.join, name="join"),
]
