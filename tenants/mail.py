"""The one way mail leaves Mewayz: rendered from a text and an HTML template, in the
brand of the site it speaks for, from that site's sender."""

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from tenants.selectors import SiteIdentity


def mail_send(
    *, to: str | list[str], subject: str, template: str, context: dict, site: SiteIdentity
) -> int:
    """Render `<template>.txt` and `<template>.html` with `context` plus `site` (the
    SiteIdentity: name, base_url, brand, white_label) and send one message per
    recipient, so recipients never see each other's addresses. Returns how many went."""
    recipients = [to] if isinstance(to, str) else list(to)
    full_context = {**context, "site": site, "brand": site.brand, "site_name": site.name}
    text = render_to_string(f"{template}.txt", full_context)
    html = render_to_string(f"{template}.html", full_context)
    # Django would name the machine in Message-ID (DNS_NAME): a white-labelled mail must
    # name only its own site, and every mail is better off naming the host it speaks for.
    message_id_domain = urlsplit(site.base_url).hostname or None
    sent = 0
    for recipient in recipients:
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=site.from_email,
            to=[recipient],
            headers={"Message-ID": make_msgid(domain=message_id_domain)},
        )
        message.attach_alternative(html, "text/html")
        sent += message.send()
    return sent
