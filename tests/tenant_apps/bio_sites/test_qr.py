import io
import re
import struct
import xml.etree.ElementTree as ET

import pytest
import qrcode
from django.test import Client
from django_tenants.utils import schema_context, tenant_context
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from tenant_apps.analytics.models import Event
from tenant_apps.bio_sites.qr import bio_link_qr_url, bio_site_qr_url, qr_png, qr_svg
from tenant_apps.bio_sites.services import bio_component_add, bio_site_create, bio_site_publish
from tenants.models import Domain
from tenants.selectors import absolute_url
from tests.helpers import add_member, client_for_member, host_of

pytestmark = pytest.mark.django_db

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
URL = "https://alpha.example.test/b/ada/?utm_source=qr"


@pytest.fixture
def site():
    site = bio_site_create(name="Ada's links", slug="ada", actor=None)
    return bio_site_publish(site=site, actor=None)


@pytest.fixture
def link(site):
    return bio_component_add(
        site=site,
        type_key="link",
        data={"title": "My shop", "url": "https://shop.example.com"},
        actor=None,
    )


@pytest.fixture
def primary_domain(alpha):
    """A verified custom domain made primary: codes must point there, whatever host the
    dashboard was opened on."""
    with schema_context("public"):
        Domain.objects.filter(tenant=alpha).update(is_primary=False)
        domain = Domain.objects.create(
            domain="links.ada.example", tenant=alpha, is_primary=True, is_verified=True
        )
    yield domain.domain
    with schema_context("public"):
        domain.delete()
        Domain.objects.filter(tenant=alpha, domain=host_of(alpha)).update(is_primary=True)


def _matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def _svg_modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    root = ET.fromstring(svg.encode())
    assert root.tag == f"{SVG_NS}svg"
    size = int(root.get("viewBox").split()[2])
    path = root.find(f"{SVG_NS}path")
    squares = re.findall(r"M(\d+) (\d+)h1v1h-1z", path.get("d"))
    assert "".join(f"M{x} {y}h1v1h-1z" for x, y in squares) == path.get("d")
    return size, {(int(x), int(y)) for x, y in squares}


def _dark_modules(url: str) -> set[tuple[int, int]]:
    return {(x, y) for y, row in enumerate(_matrix(url)) for x, dark in enumerate(row) if dark}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_png_is_a_png_of_the_codes_size():
    data = qr_png(url=URL)

    width, height = _png_size(data)
    modules = len(_matrix(URL))
    assert (width, height) == (modules * 10, modules * 10)
    image = Image.open(io.BytesIO(data)).convert("1")
    # The top-left finder pattern: dark corner after the 4-module quiet zone, light margin.
    assert image.getpixel((45, 45)) == 0
    assert image.getpixel((5, 5)) == 255


def test_the_svg_is_well_formed_and_draws_exactly_the_codes_modules():
    svg = qr_svg(url=URL)

    size, squares = _svg_modules(svg)
    assert size == len(_matrix(URL))
    assert squares == _dark_modules(URL)
    assert squares != _dark_modules(URL.replace("ada", "bob"))
    root = ET.fromstring(svg.encode())
    assert root.find(f"{SVG_NS}title").text == "QR code"
    assert not root.findall(f".//{SVG_NS}script")


def test_codes_point_at_the_primary_host_not_the_dashboards(site, link, primary_domain):
    # The dashboard is open on alpha's platform subdomain (the tests' tenant context);
    # the codes still name the verified primary domain.
    assert bio_site_qr_url(site=site) == absolute_url(
        host="links.ada.example", path="/b/ada/?utm_source=qr"
    )
    assert bio_link_qr_url(site=site, component=link) == absolute_url(
        host="links.ada.example", path=f"/b/ada/go/{link.pk}/?utm_source=qr"
    )


def test_the_site_code_served_encodes_the_sites_public_address(staff_client, alpha, site):
    response = staff_client.get(f"/dashboard/bio/{site.pk}/qr.svg", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    _, squares = _svg_modules(response.content.decode())
    expected = absolute_url(host=host_of(alpha), path="/b/ada/?utm_source=qr")
    assert squares == _dark_modules(expected)


def test_the_svg_is_served_under_a_restrictive_csp_and_cached_privately(staff_client, alpha, site):
    response = staff_client.get(f"/dashboard/bio/{site.pk}/qr.svg", HTTP_HOST=host_of(alpha))

    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]
    assert "Content-Disposition" not in response

    again = staff_client.get(
        f"/dashboard/bio/{site.pk}/qr.svg",
        HTTP_HOST=host_of(alpha),
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304


def test_download_names_the_file_after_the_slug(staff_client, alpha, site, link):
    png = staff_client.get(f"/dashboard/bio/{site.pk}/qr.png?download=1", HTTP_HOST=host_of(alpha))
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == 'attachment; filename="ada-qr.png"'
    assert _png_size(png.content)[0] > 200

    svg = staff_client.get(
        f"/dashboard/bio/{site.pk}/qr/{link.pk}.svg?download=1", HTTP_HOST=host_of(alpha)
    )
    assert svg["Content-Disposition"] == (
        f'attachment; filename="ada-link-{str(link.pk)[:8]}-qr.svg"'
    )


def test_a_links_code_goes_through_the_tracked_redirect(staff_client, alpha, site, link):
    response = staff_client.get(
        f"/dashboard/bio/{site.pk}/qr/{link.pk}.svg", HTTP_HOST=host_of(alpha)
    )

    assert response.status_code == 200
    path = f"/b/ada/go/{link.pk}/?utm_source=qr"
    _, squares = _svg_modules(response.content.decode())
    assert squares == _dark_modules(absolute_url(host=host_of(alpha), path=path))

    # Scanning it counts a click from a QR code.
    visitor = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile")
    assert visitor.get(path).status_code == 302
    click = Event.objects.get(kind=Event.CLICK, subject_id=str(site.pk))
    assert click.utm_source == "qr"
    assert click.metadata == {"target": str(link.pk)}


def test_the_analytics_page_shows_the_codes(staff_client, alpha, site, link):
    html = staff_client.get(
        f"/dashboard/bio/{site.pk}/analytics/", HTTP_HOST=host_of(alpha)
    ).content.decode()

    assert f'src="/dashboard/bio/{site.pk}/qr.svg"' in html
    assert f'href="/dashboard/bio/{site.pk}/qr.png?download=1"' in html
    assert f'href="/dashboard/bio/{site.pk}/qr/{link.pk}.png?download=1"' in html
    assert f'href="/dashboard/bio/{site.pk}/qr/{link.pk}.svg?download=1"' in html


def test_codes_only_for_links_of_this_site(staff_client, alpha, beta, site, link):
    header = bio_component_add(site=site, type_key="header", data={"title": "Ada"}, actor=None)
    other = bio_site_create(name="Other", slug="other", actor=None)
    other_link = bio_component_add(
        site=other, type_key="link", data={"title": "X", "url": "https://x.example"}, actor=None
    )
    with tenant_context(beta):
        theirs = bio_site_create(name="Beta", slug="beta-links", actor=None)
        their_link = bio_component_add(
            site=theirs,
            type_key="link",
            data={"title": "Y", "url": "https://y.example"},
            actor=None,
        )

    for path in (
        f"/dashboard/bio/{site.pk}/qr/{header.pk}.png",  # not a link
        f"/dashboard/bio/{site.pk}/qr/{other_link.pk}.png",  # another site's link
        f"/dashboard/bio/{site.pk}/qr/{their_link.pk}.png",  # another workspace's link
        f"/dashboard/bio/{theirs.pk}/qr.png",
        f"/dashboard/bio/{theirs.pk}/qr/{their_link.pk}.svg",
        f"/dashboard/bio/{site.pk}/qr.gif",
    ):
        assert staff_client.get(path, HTTP_HOST=host_of(alpha)).status_code == 404, path


def test_a_viewer_may_download_codes_and_anonymous_may_not(alpha, site, link):
    viewer = client_for_member(add_member(alpha, "viewer"), alpha)
    for path in (f"/dashboard/bio/{site.pk}/qr.png", f"/dashboard/bio/{site.pk}/qr/{link.pk}.svg"):
        assert viewer.get(path, HTTP_HOST=host_of(alpha)).status_code == 200
        assert Client().get(path, HTTP_HOST=host_of(alpha)).status_code == 302
