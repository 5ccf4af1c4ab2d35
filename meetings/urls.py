from django.urls import path

from . import views_attendance, views_cocreation, views_planning

urlpatterns = [
    # planning and the meeting record (views_planning.py)
    path("groups/<int:pk>/meetings/", views_planning.group_meetings, name="group_meetings"),
    path("groups/<int:pk>/meetings/new/", views_planning.meeting_create, name="meeting_create"),
    path("groups/<int:pk>/series/new/", views_planning.series_create, name="series_create"),
    path("groups/<int:pk>/breaks/new/", views_planning.break_create, name="break_create"),
    path("meetings/<int:pk>/", views_planning.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/move/", views_planning.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/cancel/", views_planning.meeting_cancel, name="meeting_cancel"),
    path(
        "meetings/<int:pk>/took-place/",
        views_planning.meeting_took_place,
        name="meeting_took_place",
    ),
    path("meetings/<int:pk>/record/", views_planning.meeting_record, name="meeting_record"),
    path(
        "organisations/<int:pk>/calendar/",
        views_planning.organisation_calendar,
        name="organisation_calendar",
    ),
    path(
        "calendar-events/<int:pk>/edit/",
        views_planning.calendar_event_edit,
        name="calendar_event_edit",
    ),
    path("calendar/<str:token>.ics", views_planning.group_ical_feed, name="group_ical_feed"),
    path(
        "groups/<int:pk>/calendar-feed/renew/",
        views_planning.calendar_feed_renew,
        name="calendar_feed_renew",
    ),
    # attendance and follow-up calls (views_attendance.py)
    path(
        "meetings/<int:pk>/attendance/",
        views_attendance.attendance_sheet,
        name="attendance_sheet",
    ),
    path(
        "meetings/<int:pk>/attendance/mark/",
        views_attendance.attendance_mark,
        name="attendance_mark",
    ),
    path(
        "meetings/<int:pk>/attendance/rest-present/",
        views_attendance.attendance_rest_present,
        name="attendance_rest_present",
    ),
    path(
        "meetings/<int:pk>/attendance/guest/",
        views_attendance.attendance_guest,
        name="attendance_guest",
    ),
    path(
        "meetings/<int:pk>/attendance/sync",
        views_attendance.attendance_sync,
        name="attendance_sync",
    ),
    path(
        "meetings/<int:pk>/attendance/kept/",
        views_attendance.held_taps_resolve,
        name="held_taps_resolve",
    ),
    path(
        "meetings/<int:pk>/attendance.pdf",
        views_attendance.attendance_pdf,
        name="attendance_pdf",
    ),
    path(
        "series/<int:pk>/attendance.pdf",
        views_attendance.series_attendance_pdf,
        name="series_attendance_pdf",
    ),
    path("meetings/offline.json", views_attendance.offline_data, name="offline_data"),
    path("meetings/offline/", views_attendance.offline_list, name="offline_list"),
    path("follow-ups/", views_attendance.follow_up_list, name="follow_up_list"),
    path(
        "participants/<int:pk>/calls/new/",
        views_attendance.follow_up_call_create,
        name="follow_up_call_create",
    ),
    # co-creation, group agreements, walking buddies (views_cocreation.py)
    path("groups/<int:pk>/ideas/", views_cocreation.idea_board, name="idea_board"),
    path("groups/<int:pk>/ideas/new/", views_cocreation.idea_create, name="idea_create"),
    path("ideas/<int:pk>/edit/", views_cocreation.idea_edit, name="idea_edit"),
    path("ideas/<int:pk>/vote/", views_cocreation.idea_vote, name="idea_vote"),
    path("groups/<int:pk>/agreements/", views_cocreation.agreement_list, name="agreement_list"),
    path(
        "groups/<int:pk>/agreements/new/",
        views_cocreation.agreement_create,
        name="agreement_create",
    ),
    path("agreements/<int:pk>/edit/", views_cocreation.agreement_edit, name="agreement_edit"),
    path("groups/<int:pk>/agreements.pdf", views_cocreation.agreement_pdf, name="agreement_pdf"),
    path("groups/<int:pk>/buddies/", views_cocreation.walking_buddies, name="walking_buddies"),
]
