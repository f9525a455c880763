"""Console actions that ask first: an intermediate page that names what will change
and takes a reason (kept in the audit log), like Django's own delete confirmation."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from config.errors import ApplicationError

CONFIRM_TEMPLATE = "admin/console/confirm_action.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the audit log with your name and address.",
    )

    def __init__(self, *args, reason_required: bool = True, ask_reason: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_reason:
            # The service behind the action records its own audit row without one.
            del self.fields["reason"]
            return
        self.fields["reason"].required = reason_required
        if not reason_required:
            self.fields["reason"].label = "Reason (optional)"


def confirm_and_apply(
    modeladmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    action: str,
    title: str,
    question: str,
    button: str,
    apply: Callable[[Model, str], None],
    done_message: str,
    reason_required: bool = True,
    ask_reason: bool = True,
    warning: str = "",
):
    """Show the confirmation page; once it is posted back with a valid reason, call
    `apply(obj, reason)` for each selected object (each one its own transaction, so one
    refusal does not undo the others) and report what happened."""
    confirmed = request.method == "POST" and request.POST.get("post") == "yes"
    form = ReasonForm(
        request.POST if confirmed else None,
        reason_required=reason_required,
        ask_reason=ask_reason,
    )
    if confirmed and form.is_valid():
        done, refused = 0, []
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data.get("reason", ""))
            except ApplicationError as error:
                refused.append(f"{obj}: {error.message}")
            else:
                done += 1
        if done:
            modeladmin.message_user(request, done_message.format(count=done), messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, line, messages.ERROR)
        return None  # back to the list
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(
        request,
        CONFIRM_TEMPLATE,
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "question": question,
            "warning": warning,
            "button": button,
            "objects": list(queryset),
            "form": form,
            "action": action,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": modeladmin.media,
        },
    )
