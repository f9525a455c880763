"""Editors may publish pages (tenants.roles: an editor edits and publishes content).

Wagtail seeds "Editors" with add and edit only; a workspace's editor role is meant to
publish without waiting for an approver. Runs in the template schema, so every
workspace cloned from it starts with the same rule.
"""

from django.db import migrations


def editors_publish(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Page = apps.get_model("wagtailcore.Page")
    Permission = apps.get_model("auth.Permission")

    editors = Group.objects.filter(name="Editors").first()
    root = Page.objects.filter(depth=1).first()
    if editors is None or root is None:
        return
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    publish, _ = Permission.objects.get_or_create(
        content_type=page_type, codename="publish_page", defaults={"name": "Can publish any page"}
    )
    GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=publish)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_page_types"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(editors_publish, migrations.RunPython.noop)]
