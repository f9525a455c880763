"""How HTML views show an ApplicationError: its field errors on the form's fields."""

from django import forms

from config.errors import ApplicationError


def form_add_application_error(form: forms.Form, error: ApplicationError) -> None:
    placed = False
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
