"""The audit log in the console: searchable, filterable by action, and read-only."""

from shared_apps.platform.models import AuditEvent
from shared_apps.platform.services import audit_record

LIST = "/admin/platform/auditevent/"


def _actions(response) -> set[str]:
    return {e.action for e in response.context["cl"].result_list}


def test_the_log_filters_by_action_and_searches(console, identity):
    audit_record(action="workspace.suspended", actor=identity, data={"reason": "x"})
    audit_record(action="mfa.reset", actor=identity)

    assert _actions(console.get(LIST, {"action": "mfa.reset"})) == {"mfa.reset"}
    assert _actions(console.get(LIST, {"q": "suspended"})) == {"workspace.suspended"}
    assert "workspace.suspended" in _actions(console.get(LIST, {"q": identity.email}))


def test_an_event_shows_its_data(console, identity):
    event = audit_record(action="workspace.suspended", actor=identity, data={"reason": "Fraud"})

    page = console.get(f"{LIST}{event.pk}/change/").content.decode()

    assert "Fraud" in page
    assert identity.email in page


def test_the_log_cannot_be_changed_or_pruned(console, identity):
    event = audit_record(action="workspace.suspended", actor=identity)

    assert console.get(f"{LIST}add/").status_code == 403
    assert console.post(f"{LIST}{event.pk}/change/", {"action": "x"}).status_code == 403
    assert console.post(f"{LIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = console.post(
        LIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
