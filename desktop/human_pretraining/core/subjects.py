"""Subjects and their names: what an activity is, and the one key each name becomes.

Three kinds of activity reach the scorer: a web page (from the extension), a
foreground application (from the desktop watcher) and output written to a file
(from the folder watcher). Each is described by a :class:`Subject`. Hosts, app
names and paths arrive in many spellings (``WWW.Bücher.DE.:443``,
``C:\\...\\Code.exe``, ``notes/../notes``); the normalisers here bring each to one
key, the same for a rule and for the activity it should match.

The rule dictionaries that use these keys come from the TOML config and from
``shared/vectors/rule-matching.json``, which the browser extension also runs, so
every normalisation here is deliberately simple enough to port to JavaScript.
Pure functions only: no I/O, no clocks.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from dataclasses import dataclass

from human_pretraining.core.model import Source, ValidationError

# A leading "www."/"m."/"mobile." is the same site in another costume; only one is
# stripped, and never when it would leave a bare TLD ("www.com" stays itself).
_COSTUME_PREFIXES = ("www.", "m.", "mobile.")
# IDNA treats these full-width/ideographic dots as label separators too.
_DOTS = re.compile("[.\u3002\uff0e\uff61]")
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")  # "_" occurs in real hosts; DNS caps labels at 63
_IPV6 = re.compile(r"[0-9a-f:.]+")
# "chrome://", "about:", "https://" ... but "youtube.com:443" is a host with a port,
# and a name with a dot is a scheme only before "//" ("youtube.com:/x" is a host).
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*)://|([a-z][a-z0-9+-]*):(?!\d)", re.IGNORECASE)


def normalize_domain(host: str) -> str:
    """Return the canonical form of a host: ``WWW.Bücher.DE.:443`` → ``xn--bcher-kva.de``.

    Lower case, no credentials, port or trailing dot, punycode for IDN labels and
    one ``www.``/``m.``/``mobile.`` prefix removed. Raises ``ValidationError("site")``.
    """
    text = host.strip().rpartition("@")[2]  # "user:pw@host": the host is after the last @
    if text.startswith("["):  # IPv6 literal, possibly with a port
        inner, closed, port = text[1:].partition("]")
        if closed and _IPV6.fullmatch(inner.lower()) and re.fullmatch(r"(:\d*)?", port):
            return f"[{inner.lower()}]"
        raise ValidationError("site", f"not a valid host: {host!r}")
    name, _, port = text.partition(":")
    if port and not re.fullmatch(r"\d+", port):
        raise ValidationError("site", f"not a valid host or port: {host!r}")
    name = name[:-1] if name.endswith(".") else name  # "youtube.com." is fully qualified
    if not name:
        raise ValidationError("site", f"needs a domain, got {host!r}")
    if "*" in name:
        raise ValidationError("site", f"wildcards are not needed, subdomains match: {host!r}")
    domain = ".".join(_label_to_ascii(label, host) for label in _DOTS.split(name))
    for prefix in _COSTUME_PREFIXES:
        if domain.startswith(prefix) and "." in domain[len(prefix) :]:
            return domain[len(prefix) :]
    return domain


def _label_to_ascii(label: str, host: str) -> str:
    if label.isascii():
        ascii_label = label.lower()
    elif any(not c.isascii() and unicodedata.category(c)[0] in "PZC" for c in label):
        ascii_label = ""  # spaces, punctuation and control characters are not names
    else:
        try:
            ascii_label = label.encode("idna").decode("ascii").lower()
        except UnicodeError:
            # IDNA 2003 (all the stdlib has) refuses characters newer than Unicode
            # 3.2, e.g. most emoji; browsers accept them, so encode the way UTS 46
            # would for such labels: plain punycode of the case-folded NFC form.
            folded = unicodedata.normalize("NFC", label.casefold())
            ascii_label = "xn--" + folded.encode("punycode").decode("ascii")
    if not _LABEL.fullmatch(ascii_label):
        raise ValidationError("site", f"not a valid domain: {host!r}")
    return ascii_label


@functools.lru_cache(maxsize=4096)  # pure, and the same few sites arrive over and over
def parse_site(text: str) -> tuple[str, str]:
    """Split a URL or ``domain/path`` into ``(normalized_domain, path)``.

    The path is ``""`` or starts with ``/`` and carries no query or fragment.
    Only http(s) addresses name a site; other schemes raise ``ValidationError``.
    """
    rest = text.strip()
    scheme = _SCHEME.match(rest)
    if scheme:
        if (scheme.group(1) or scheme.group(2)).lower() not in ("http", "https"):
            raise ValidationError(
                "site", f"only http and https pages can be matched, got {text.strip()!r}"
            )
        rest = rest[scheme.end() :]
    rest = rest.replace("\\", "/").lstrip("/")  # browsers read "\" as "/" in web URLs
    end = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    path = re.split("[?#]", rest[end:], maxsplit=1)[0]
    return normalize_domain(rest[:end]), path


def normalize_app_name(name: str) -> str:
    """Bring an app name as any OS reports it to one key: ``C:\\...\\Code.exe`` → ``code``.

    Takes the basename (or the outermost macOS ``.app`` bundle), drops ``.exe``/
    ``.app``, case-folds and collapses whitespace. Raises ``ValidationError("app")``.
    """
    parts = [p for p in name.strip().replace("\\", "/").split("/") if p.strip()]
    bundle = next((p for p in parts if p.casefold().endswith(".app")), None)
    base = bundle or (parts[-1] if parts else "")
    for suffix in (".exe", ".app"):
        if base.casefold().endswith(suffix):
            base = base[: -len(suffix)]
    key = " ".join(base.casefold().split())
    if not key:
        raise ValidationError("app", f"needs an application name, got {name!r}")
    return key


def normalize_path(path: str) -> str:
    """A path as rules and watchers compare it: ``/`` separators, no ``.``/``..``."""
    # Separators and "."/".." differ between OSes and watchers; case does not get
    # folded because Linux paths are case-sensitive. Drive letters are, though.
    text = path.strip().replace("\\", "/")
    if re.match(r"[a-z]:", text):
        text = text[0].upper() + text[1:]
    return posixpath.normpath(text) if text else ""


@dataclass(frozen=True)
class Subject:
    """An activity to score: a web page, a foreground app, or output in a file."""

    source: Source
    name: str  # normalised domain (web), app name as reported (app), path (output)
    path: str = ""  # URL path (web)
    title: str | None = None
    exe: str | None = None

    @classmethod
    def site(cls, url_or_domain: str) -> Subject:
        """A web page, from a full URL or ``domain/path``; see :func:`parse_site`."""
        domain, path = parse_site(url_or_domain)
        return cls(Source.WEB, domain, path)

    @classmethod
    def app(cls, name: str, exe: str | None = None, title: str | None = None) -> Subject:
        """A foreground application as the OS reports it (name, executable, window title)."""
        return cls(Source.APP, name, exe=exe, title=title)

    @classmethod
    def output(cls, path: str) -> Subject:
        """Output written to the file or folder at ``path`` (absolute)."""
        return cls(Source.OUTPUT, path)
