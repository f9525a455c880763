"""What visitors send through a bio page's signup and contact forms.

    bio_submission_create(*, site, component, fields, visitor_key) -> BioSubmission

The endpoint is public and tokenless (submission_views), so this is where it is
guarded: a per-visitor rate limit, a size limit per field, and validation per component
type. A submission is stored whether or not the CRM is installed; when it is, the
contact is handed to it through the one call pages use (cms.services).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction

from cms.services import Contact, contact_hand_off_to_crm
from shared_apps.accounts.throttling import Limit, throttle_hit, throttle_state
from tenant_apps.bio_sites.errors import SubmissionInvalidError, SubmissionRateLimitedError
from tenant_apps.bio_sites.models import BioComponent, BioSite, BioSubmission

# Every attempt counts, valid or not: bad input is as cheap to send as good.
SUBMISSIONS_PER_VISITOR = Limit(
    "bio-submit:visitor",
    "BIO_SUBMISSION_THROTTLE_PER_VISITOR",
    window_setting="BIO_SUBMISSION_THROTTLE_WINDOW_SECONDS",
)

MAX_LENGTHS = {"name": 120, "email": 254, "phone": 20, "subject": 200, "message": 5000}

_E164 = re.compile(r"\+[1-9]\d{6,14}")
# What people type between digits of a phone number.
_PHONE_PUNCTUATION = re.compile(r"[\s().\-]")
_email_validator = EmailValidator(message="Enter an email address like name@example.com.")


def _rate_limit_take(*, visitor_key: str) -> None:
    # The one throttle (counters in the tenant-scoped cache, so limits are per workspace):
    # refused once the visitor has used the window's quota, then counted.
    if throttle_state(limit=SUBMISSIONS_PER_VISITOR, subject=visitor_key).blocked:
        raise SubmissionRateLimitedError()
    throttle_hit(limit=SUBMISSIONS_PER_VISITOR, subject=visitor_key)


def _phone_clean(value: str) -> str:
    phone = _PHONE_PUNCTUATION.sub("", value)
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not _E164.fullmatch(phone):
        raise ValidationError("Enter a mobile number with its country code, like +447700900123.")
    return phone


def _email_clean(value: str) -> str:
    _email_validator(value)
    return value.lower()


def _wanted_fields(component: BioComponent) -> dict[str, bool]:
    """The fields this component asks for, each with whether it is required."""
    if component.type == "email_signup":
        return {"email": True}
    if component.type == "sms_signup":
        return {"phone": True}
    wanted = {name: False for name in component.data.get("fields", ())}
    # Something to reply to: the email when asked for, else the phone.
    wanted["email" if "email" in wanted else "phone"] = True
    if "message" in wanted:
        wanted["message"] = True
    return wanted


def _cleaned(*, component: BioComponent, fields: dict[str, str]) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name, required in _wanted_fields(component).items():
        value = (fields.get(name) or "").strip()
        if not value:
            if required:
                errors[name] = ["This field is required."]
            continue
        if len(value) > MAX_LENGTHS[name]:
            errors[name] = [f"Use at most {MAX_LENGTHS[name]} characters."]
            continue
        try:
            if name == "email":
                value = _email_clean(value)
            elif name == "phone":
                value = _phone_clean(value)
        except ValidationError as error:
            errors[name] = list(error.messages)
            continue
        cleaned[name] = value
    consent = fields.get("consent") == "yes"
    # SMS marketing needs express consent; an email signup that shows consent wording
    # asks for it too.
    if component.data.get("consent_text") and not consent and component.type != "contact_form":
        errors["consent"] = ["Tick the box to agree before signing up."]
    if errors:
        raise SubmissionInvalidError(fields=errors)
    return {**cleaned, "consent": consent}


@transaction.atomic
def bio_submission_create(
    *, site: BioSite, component: BioComponent, fields: dict[str, str], visitor_key: str
) -> BioSubmission:
    """Store what a visitor sent through `component` (a form of `site`), after the
    rate limit and validation; SubmissionRateLimitedError / SubmissionInvalidError
    (with `fields`) otherwise, and nothing is stored."""
    _rate_limit_take(visitor_key=visitor_key)
    cleaned = _cleaned(component=component, fields=fields)
    message = cleaned.get("message", "")
    if cleaned.get("subject"):
        message = f"{cleaned['subject']}\n\n{message}".strip()
    submission = BioSubmission.objects.create(
        site=site,
        component=component,
        component_type=component.type,
        email=cleaned.get("email", ""),
        phone=cleaned.get("phone", ""),
        name=cleaned.get("name", ""),
        message=message,
        consent=cleaned["consent"],
    )
    if submission.email:
        contact_hand_off_to_crm(
            contact=Contact(email=submission.email, name=submission.name),
            source=f"bio:{component.pk}",
        )
    return submission


@transaction.atomic
def bio_submission_delete(*, submission: BioSubmission, actor) -> None:
    """Erase what a visitor sent, for good (a request to forget them, or spam). A copy
    already handed to the CRM is the CRM's to erase."""
    submission.delete()
