"""The feature gate in templates, for menus and for hiding controls:

    {% load billing %}
    {% feature_state "crm" as crm %}
    {% if crm != "off" %}<a href="/dashboard/crm/">CRM</a>{% endif %}
    {% if crm == "on" %}<button>New contact</button>{% endif %}

An empty key (a menu entry no feature governs) is always "on". Reads the snapshot
cached with the routed workspace: no query.
"""

from django import template

from shared_apps.billing import gate

register = template.Library()


@register.simple_tag(takes_context=True)
def feature_state(context, key: str | None) -> str:
    if not key:
        return gate.ON
    request = context.get("request")
    workspace = getattr(request, "workspace", None) if request is not None else None
    return gate.feature_state(workspace=workspace or context.get("workspace"), key=key)
