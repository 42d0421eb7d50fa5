from django.urls import path

from assessments.practitioner.views import checkins, moves, my_data, supervision, trends

app_name = "practitioner"
# Actions on one object are <object>/<pk>/<verb>/. The fixed paths come before checkins/<pk>/<step>/, which
# would otherwise take "delete" and "discard" for step names.
urlpatterns = [
    path("checkins/start/", checkins.checkin_begin, name="checkin_begin"),
    path("checkins/history/", checkins.history, name="history"),
    path("checkins/trends/", trends.trends, name="trends"),
    path("checkins/<int:pk>/", checkins.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/sent/", checkins.checkin_sent, name="checkin_sent"),
    path("checkins/<int:pk>/discard/", checkins.checkin_discard_view, name="checkin_discard"),
    path("checkins/<int:pk>/delete/", my_data.checkin_delete_view, name="checkin_delete"),
    path("checkins/<int:pk>/<slug:step_slug>/", checkins.checkin_step, name="checkin_step"),
    path("moves/choose/<int:checkin_pk>/", moves.moves_choose_view, name="moves_choose"),
    path("moves/review/<int:checkin_pk>/", moves.moves_review_view, name="moves_review"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("supervision/add/", supervision.supervision_add, name="supervision_add"),
    path("supervision/add/<int:checkin_pk>/", supervision.supervision_add, name="supervision_add_from"),
    path("supervision/<int:pk>/tick/", supervision.supervision_tick_view, name="supervision_tick"),
    path("me/", my_data.my_data, name="my_data"),
    path("me/export.json", my_data.export_json, name="export_json"),
    path("me/export.csv", my_data.export_csv, name="export_csv"),
    path("me/delete/", my_data.account_delete_view, name="account_delete"),
]
