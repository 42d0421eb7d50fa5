from django.urls import path

from assessments.leads.views import actions, emails, invites, reminders, summaries

app_name = "leads"
urlpatterns = [
    path("teams/<int:team_pk>/invites/", invites.team_invites, name="team_invites"),
    path("teams/<int:team_pk>/reminders/", reminders.team_reminders, name="team_reminders"),
    path("emails/", emails.email_settings, name="email_settings"),
    path("emails/stop/<str:token>/", emails.email_stop, name="email_stop"),
    path("summaries/", summaries.summary_index, name="summary_index"),
    path("summaries/teams/<int:team_pk>/", summaries.team_summary_current, name="team_summary_current"),
    path("summaries/teams/<int:team_pk>/actions/new/", actions.team_action_add, name="team_action_add"),
    path(
        "summaries/teams/<int:team_pk>/actions/suggested/<slug:key>/",
        actions.team_action_suggested,
        name="team_action_suggested",
    ),
    path("summaries/services/<int:service_pk>/actions/new/", actions.service_action_add, name="service_action_add"),
    path(
        "summaries/services/<int:service_pk>/actions/suggested/<slug:key>/",
        actions.service_action_suggested,
        name="service_action_suggested",
    ),
    path("actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", actions.action_status, name="action_status"),
    path("summaries/teams/<int:team_pk>/<str:period>/", summaries.team_summary, name="team_summary"),
    path("summaries/teams/<int:team_pk>/<str:period>/conversation/", summaries.team_pack, name="team_pack"),
    path(
        "summaries/teams/<int:team_pk>/<str:period>/export.csv",
        summaries.team_summary_export,
        name="team_summary_export",
    ),
    path(
        "summaries/teams/<int:team_pk>/<str:period>/statements.csv",
        summaries.team_statements_export,
        name="team_summary_statements_export",
    ),
    path(
        "summaries/teams/<int:team_pk>/<str:period>/obstacles.csv",
        summaries.team_obstacles_export,
        name="team_summary_obstacles_export",
    ),
    path(
        "summaries/services/<int:service_pk>/<str:period>/statements.csv",
        summaries.service_statements_export,
        name="service_summary_statements_export",
    ),
    path(
        "summaries/services/<int:service_pk>/<str:period>/obstacles.csv",
        summaries.service_obstacles_export,
        name="service_summary_obstacles_export",
    ),
    path("summaries/services/<int:service_pk>/", summaries.service_summary_current, name="service_summary_current"),
    path("summaries/services/<int:service_pk>/<str:period>/", summaries.service_summary, name="service_summary"),
    path(
        "summaries/services/<int:service_pk>/<str:period>/export.csv",
        summaries.service_summary_export,
        name="service_summary_export",
    ),
]
