from django.urls import path

from .views import checkins, invites, journey, summaries

urlpatterns = [
    path("", checkins.home, name="home"),
    path("checkins/start/", checkins.checkin_begin, name="checkin_begin"),
    path("checkins/history/", checkins.history, name="history"),
    path("checkins/<int:pk>/", checkins.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/discard/", checkins.checkin_discard_view, name="checkin_discard"),
    path("checkins/<int:pk>/<slug:step_slug>/", checkins.checkin_step, name="checkin_step"),
    path("teams/<int:team_pk>/invites/", invites.team_invites, name="team_invites"),
    path("join/<str:token>/", invites.join, name="join"),
    path("summaries/", summaries.summary_index, name="summary_index"),
    path("summaries/teams/<int:team_pk>/", summaries.team_summary_current, name="team_summary_current"),
    path("summaries/teams/<int:team_pk>/actions/new/", summaries.team_action_add, name="team_action_add"),
    path("summaries/teams/<int:team_pk>/<str:period>/", summaries.team_summary, name="team_summary"),
    path("summaries/teams/<int:team_pk>/<str:period>/export.csv", summaries.team_summary_export,
         name="team_summary_export"),
    path("summaries/services/<int:service_pk>/", summaries.service_summary_current, name="service_summary_current"),
    path("summaries/services/<int:service_pk>/<str:period>/", summaries.service_summary, name="service_summary"),
    path("summaries/services/<int:service_pk>/<str:period>/export.csv", summaries.service_summary_export,
         name="service_summary_export"),
    # The practitioner's journey (issue 4). None of these can be shadowed by checkins/<int:pk>/<slug>/.
    path("checkins/trends/", journey.trends, name="trends"),
    path("checkins/delete/<int:pk>/", journey.checkin_delete_view, name="checkin_delete"),
    path("moves/choose/<int:checkin_pk>/", journey.moves_choose_view, name="moves_choose"),
    path("moves/review/<int:checkin_pk>/", journey.moves_review_view, name="moves_review"),
    path("supervision/", journey.supervision, name="supervision"),
    path("supervision/add/", journey.supervision_add, name="supervision_add"),
    path("supervision/add/<int:checkin_pk>/", journey.supervision_add, name="supervision_add_from"),
    path("supervision/<int:pk>/tick/", journey.supervision_tick_view, name="supervision_tick"),
    path("me/", journey.my_data, name="my_data"),
    path("me/export.json", journey.export_json, name="export_json"),
    path("me/export.csv", journey.export_csv, name="export_csv"),
    path("me/delete/", journey.account_delete_view, name="account_delete"),
    path("teams/<int:team_pk>/reminders/", journey.team_reminders, name="team_reminders"),
    path("privacy/", journey.privacy, name="privacy"),
]
