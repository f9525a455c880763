"""DNS lookups for custom-domain verification, behind one small interface.

`resolver()` returns the implementation `settings.DNS_RESOLVER` names (a dotted path to
a class taking no arguments). Production uses `DnsPythonResolver`; the tests use
`MemoryResolver`, so the test suite never touches the network.

Every method answers with what DNS holds, or nothing when the name does not exist or
holds no record of that type. A lookup that could not be answered at all (timeout, no
reachable name server) raises `DnsLookupError`: "we could not tell" must never be read
as "the record is gone", or a slow resolver would take verified hosts offline.
"""

from typing import ClassVar, Protocol

import dns.exception
import dns.resolver
from django.conf import settings
from django.utils.module_loading import import_string


class DnsLookupError(Exception):
    """DNS gave no answer either way (timeout, SERVFAIL, no resolver configured)."""


class Resolver(Protocol):
    def txt_records(self, name: str) -> list[str]:
        """The TXT values at `name`, each record's strings joined, as text."""

    def cname_target(self, name: str) -> str | None:
        """Where `name`'s CNAME points (lower case, no trailing dot), or None."""

    def addresses(self, name: str) -> list[str]:
        """The IPv4 and IPv6 addresses `name` resolves to (following CNAMEs)."""


def resolver() -> Resolver:
    return import_string(settings.DNS_RESOLVER)()


def _absolute(name: str) -> str:
    # A trailing dot makes the name absolute, so the machine's search domains are never
    # appended (`shop.acme.com.cluster.local` is not the host we were asked about).
    return name if name.endswith(".") else f"{name}."


class DnsPythonResolver:
    """The real thing: recursive lookups with dnspython, bounded by a time budget."""

    def __init__(self) -> None:
        try:
            self._resolver = dns.resolver.Resolver(configure=not settings.DNS_NAMESERVERS)
        except dns.resolver.NoResolverConfiguration as exc:
            raise DnsLookupError("No DNS resolver is configured on this machine.") from exc
        if settings.DNS_NAMESERVERS:
            self._resolver.nameservers = list(settings.DNS_NAMESERVERS)
        # `lifetime` bounds one whole lookup across retries and servers: the "check now"
        # button waits on it, so it stays short.
        self._resolver.lifetime = float(settings.DNS_TIMEOUT_SECONDS)
        self._resolver.timeout = float(settings.DNS_TIMEOUT_SECONDS)

    def _answer(self, name: str, rdtype: str) -> list:
        try:
            return list(self._resolver.resolve(_absolute(name), rdtype, search=False))
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.Timeout as exc:
            raise DnsLookupError(f"DNS did not answer in time for {name}.") from exc
        except dns.resolver.NoNameservers as exc:
            raise DnsLookupError(f"No DNS server could answer for {name}.") from exc
        except dns.exception.DNSException as exc:
            raise DnsLookupError(f"DNS lookup failed for {name}: {exc}") from exc

    def txt_records(self, name: str) -> list[str]:
        # A TXT record is a list of strings of up to 255 bytes each; long values are
        # split by DNS providers and mean their concatenation.
        return [
            b"".join(rdata.strings).decode("utf-8", "replace")
            for rdata in self._answer(name, "TXT")
        ]

    def cname_target(self, name: str) -> str | None:
        answers = self._answer(name, "CNAME")
        if not answers:
            return None
        return answers[0].target.to_text(omit_final_dot=True).lower()

    def addresses(self, name: str) -> list[str]:
        return [rdata.address for rdtype in ("A", "AAAA") for rdata in self._answer(name, rdtype)]


class MemoryResolver:
    """Answers from a table held in memory: the tests' resolver (no network, ever), also
    handy for a development machine whose hosts no public DNS knows.

    Records are class-level, so the instance `resolver()` builds sees what a test set:
        MemoryResolver.reset()
        MemoryResolver.add("TXT", "_mewayz.shop.acme.com", token)
        MemoryResolver.add("CNAME", "shop.acme.com", "localhost")
        MemoryResolver.fail("shop.acme.com")  # every lookup under it times out
    """

    records: ClassVar[dict[tuple[str, str], list[str]]] = {}
    failing: ClassVar[set[str]] = set()

    @classmethod
    def reset(cls) -> None:
        cls.records.clear()
        cls.failing.clear()

    @classmethod
    def add(cls, rdtype: str, name: str, *values: str) -> None:
        cls.records.setdefault((rdtype.upper(), name.lower().rstrip(".")), []).extend(values)

    @classmethod
    def remove(cls, rdtype: str, name: str) -> None:
        cls.records.pop((rdtype.upper(), name.lower().rstrip(".")), None)

    @classmethod
    def fail(cls, name: str) -> None:
        cls.failing.add(name.lower().rstrip("."))

    def _lookup(self, rdtype: str, name: str) -> list[str]:
        name = name.lower().rstrip(".")
        if any(name == failing or name.endswith(f".{failing}") for failing in self.failing):
            raise DnsLookupError(f"DNS did not answer in time for {name}.")
        return list(self.records.get((rdtype, name), []))

    def txt_records(self, name: str) -> list[str]:
        return self._lookup("TXT", name)

    def cname_target(self, name: str) -> str | None:
        targets = self._lookup("CNAME", name)
        return targets[0].lower().rstrip(".") if targets else None

    def addresses(self, name: str) -> list[str]:
        for _ in range(8):  # follow a CNAME chain, as a recursive resolver would
            cname = self.cname_target(name)
            if cname is None:
                return self._lookup("A", name) + self._lookup("AAAA", name)
            name = cname
        return []
