"""QR codes of a bio site and of its links, as PNG or SVG, and the addresses they encode.

A code points at the workspace's primary host (never at the host the dashboard was
opened on) and carries utm_source=qr, so scans show up as their own source. A link's
code goes through the click redirect, so a scan counts as a click on that link.
"""

from io import BytesIO
from urllib.parse import urlencode

import qrcode
from django.urls import reverse
from qrcode.constants import ERROR_CORRECT_M

from tenant_apps.bio_sites.models import BioComponent, BioSite
from tenants.selectors import current_workspace, workspace_url

QR_QUERY = urlencode({"utm_source": "qr"})
# Pixels per module of the PNG: a 33-module code (with its quiet zone) is 410 px wide,
# enough for print at a few centimetres.
PNG_BOX_SIZE = 10
# The quiet zone the QR specification asks for, in modules.
BORDER_MODULES = 4


def bio_site_qr_url(*, site: BioSite) -> str:
    path = reverse("bio_sites:page", kwargs={"slug": site.slug})
    return workspace_url(workspace=current_workspace(), path=f"{path}?{QR_QUERY}")


def bio_link_qr_url(*, site: BioSite, component: BioComponent, item: int | None = None) -> str:
    """The tracked redirect of a link (of the link at `item` in a list of links)."""
    kwargs = {"slug": site.slug, "component_id": component.pk}
    if item is None:
        path = reverse("bio_sites:click", kwargs=kwargs)
    else:
        path = reverse("bio_sites:click_item", kwargs={**kwargs, "item": item})
    return workspace_url(workspace=current_workspace(), path=f"{path}?{QR_QUERY}")


def _code(url: str) -> qrcode.QRCode:
    # Level M survives a smudge or a small logo over ~15% of the code.
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=PNG_BOX_SIZE, border=BORDER_MODULES
    )
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_png(*, url: str) -> bytes:
    buffer = BytesIO()
    _code(url).make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(*, url: str) -> str:
    """A standalone SVG document: one path with a one-module square per dark module (viewBox in
    modules, quiet zone included) on a white background, so it scans in dark mode too."""
    matrix = _code(url).get_matrix()  # quiet zone included
    size = len(matrix)
    squares = "".join(
        f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size * PNG_BOX_SIZE}" height="{size * PNG_BOX_SIZE}" '
        'shape-rendering="crispEdges" role="img">'
        "<title>QR code</title>"
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{squares}"/>'
        "</svg>\n"
    )
