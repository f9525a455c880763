"""The workspace's modules as the dashboard navigation lists them.

Each later app adds its entry here when it lands; plans and feature gating (a later
issue) will decide which entries a workspace sees.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    url: str
    icon: str


def dashboard_modules() -> list[Module]:
    return [
        Module("home", "Overview", "/dashboard/", "home"),
        Module("pages", "Pages", "/cms/", "pages"),
        Module("site", "View site", "/", "globe"),
    ]
