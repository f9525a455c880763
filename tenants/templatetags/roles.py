"""The role rule in templates: {% load roles %}{% if request.user|may:"content.edit" %}…

A template only hides what the user may not use; the view still enforces the rule."""

from django import template

from tenants.roles import user_allows

register = template.Library()


@register.filter
def may(user, permission: str) -> bool:
    return user_allows(user=user, permission=permission)
