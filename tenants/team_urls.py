from django.urls import path

from tenants import team_views

app_name = "team"

urlpatterns = [
    path("team/", team_views.team, name="team"),
    path("team/invite/", team_views.team_invite, name="invite"),
    path("team/leave/", team_views.team_leave, name="leave"),
    path(
        "team/invitations/<uuid:invitation_id>/resend/",
        team_views.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "team/invitations/<uuid:invitation_id>/revoke/",
        team_views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("team/members/<uuid:membership_id>/role/", team_views.member_role, name="role"),
    path("team/members/<uuid:membership_id>/remove/", team_views.member_remove, name="remove"),
    path(
        "team/members/<uuid:membership_id>/make-owner/",
        team_views.member_make_owner,
        name="make_owner",
    ),
    path("audit/", team_views.audit_log, name="audit"),
]
