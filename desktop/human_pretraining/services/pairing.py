"""Pairing clients with the local endpoint: short single-use codes traded for tokens.

The app (or ``human-pretraining pair``) shows a code such as ``K7PM-QX9D``; the
extension sends it once and receives a random bearer token. Only SHA-256 hashes
of codes and tokens are stored, so a copied database grants nothing. Codes
expire after a few minutes and wrong guesses are throttled; tokens are listed and
revoked from the CLI or the window.

The guessing limit. A code has 31^8 (about 8.5e11) values; five wrong guesses
within a minute lock pairing for the rest of that minute, so a guesser gets about
25 tries in a code's five minutes. While locked, even the right code is answered
"too many attempts": otherwise the lock would not stop anyone from trying
candidates. Since anyone on the machine can send wrong codes, the lock must not
keep the real user out, so:

* showing a new code (the window's pairing panel, ``human-pretraining pair``, in
  this process or another) starts the count afresh: a wrong code counts only
  against the codes shown when it came (their number in the database tells a
  new one from the old). The user who sees "too many attempts" shows a new code
  and pairs with it at once; a guesser gains five guesses per code the *user*
  chooses to show;
* the lock never invalidates the code on screen: once the minute has passed it
  works, and guessing during the lock does not stretch it;
* wrong codes count only while a code is waiting to be used: with none shown
  nothing can be guessed, and nothing is locked.

The window is measured on the injected clock (the one codes expire by), so tests
move it; a failure stamped in the future (the clock was set back) is forgotten.

Authentication runs on every request, so valid token hashes are cached in
memory and re-read from the database at most once a second (a revocation from
another process takes effect within that second).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from human_pretraining.core.clock import now_ms
from human_pretraining.services.notify import Change, Notifier
from human_pretraining.store.database import Database, DatabaseUnreachable
from human_pretraining.store.models import ApiToken, PairingCode

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read and type
CODE_LENGTH = 8
CODE_TTL_MS = 5 * 60_000
MAX_FAILURES = 5  # wrong codes per window before pairing pauses
FAILURE_WINDOW_MS = 60_000
CACHE_TTL_S = 1.0
LAST_USED_EVERY_MS = 60_000


class PairingRefused(Exception):
    """A wrong, used or expired code; the message tells the user what to do."""


class PairingThrottled(PairingRefused):
    """Too many wrong codes in a short time."""


@dataclass(frozen=True)
class TokenInfo:
    id: int
    client: str
    origin: str | None
    created_ms: int
    last_used_ms: int | None
    revoked_ms: int | None


@dataclass(frozen=True)
class NewCode:
    code: str
    expires_ms: int


_COLUMNS = (
    ApiToken.id,
    ApiToken.client,
    ApiToken.origin,
    ApiToken.created_ms,
    ApiToken.last_used_ms,
    ApiToken.revoked_ms,
)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalize_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _codes_shown(conn: Connection, now: int) -> tuple[int, bool]:
    """How many codes were ever made (a new code changes it), and whether one is
    still waiting to be used (unused, unexpired)."""
    made = conn.execute(select(func.count()).select_from(PairingCode)).scalar_one()
    waiting = conn.execute(
        select(PairingCode.code_hash)
        .where(PairingCode.used_ms.is_(None), PairingCode.expires_ms >= now)
        .limit(1)
    ).first()
    return int(made), waiting is not None


class Pairing:
    """Codes, tokens and the authentication check; thread-safe."""

    def __init__(
        self, db: Database, clock: Callable[[], int] = now_ms, notifier: Notifier | None = None
    ) -> None:
        self._db = db
        self._notifier = notifier or Notifier()
        self._clock = clock
        self._lock = threading.Lock()
        # Wrong codes: when they came (clock ms), and how many codes had been made then.
        self._failures: deque[tuple[int, int]] = deque()
        self._cache: dict[str, tuple[str, TokenInfo]] = {}  # sha256 → (stored hash, info)
        self._cache_read = 0.0
        self._last_used_written: dict[int, int] = {}

    # ------------------------------------------------------------------ codes

    def new_code(self) -> NewCode:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = self._clock()
        expires = now + CODE_TTL_MS
        with self._db.write() as conn:
            conn.execute(
                insert(PairingCode).values(
                    code_hash=digest(code), created_ms=now, expires_ms=expires
                )
            )
        return NewCode(format_code(code), expires)

    def _throttle(self, now: int, codes_made: int) -> None:
        """Raise PairingThrottled if enough wrong codes came within the last minute
        while the codes now shown were (see the module docstring)."""
        self._failures = deque(
            (when, made)
            for when, made in self._failures
            # A failure stamped in the future means the clock was set back: forget it.
            if made == codes_made and now - FAILURE_WINDOW_MS < when <= now
        )
        if len(self._failures) >= MAX_FAILURES:
            raise PairingThrottled(
                "Too many wrong pairing codes; wait a minute, or show a new code in "
                "Human Pretraining and use that one."
            )

    def pair(self, code: str, client: str, origin: str | None = None) -> str:
        """Trade a valid code for a new token (returned once, stored only as a hash)."""
        with self._lock:
            now = self._clock()
            with self._db.write() as conn:
                made, waiting = _codes_shown(conn, now)
                self._throttle(now, made)
                row = conn.execute(
                    select(PairingCode.expires_ms, PairingCode.used_ms).where(
                        PairingCode.code_hash == digest(normalize_code(code))
                    )
                ).first()
                if row is None or row.used_ms is not None or row.expires_ms < now:
                    if waiting:  # only then is there anything to guess
                        self._failures.append((now, made))
                    raise PairingRefused(
                        "That pairing code is wrong, used or expired; "
                        "ask Human Pretraining for a new one (human-pretraining pair)."
                    )
                conn.execute(
                    update(PairingCode)
                    .where(PairingCode.code_hash == digest(normalize_code(code)))
                    .values(used_ms=now)
                )
                token = secrets.token_urlsafe(32)
                bound = origin if origin and origin.startswith("moz-extension://") else None
                conn.execute(
                    insert(ApiToken).values(
                        client=client, token_hash=digest(token), origin=bound, created_ms=now
                    )
                )
            self._cache_read = 0.0
        self._notifier.publish(Change.CLIENTS)
        return token

    # ----------------------------------------------------------------- tokens

    def _refresh(self) -> None:
        if time.monotonic() - self._cache_read < CACHE_TTL_S:
            return
        try:
            with self._db.read() as conn:
                rows = conn.execute(
                    select(ApiToken.token_hash, *_COLUMNS).where(ApiToken.revoked_ms.is_(None))
                ).all()
        except DatabaseUnreachable:
            # A shared server is away: the tokens last read stay valid (nobody can revoke
            # one meanwhile, revocations live on that server), so events can be buffered.
            return
        self._cache = {r[0]: (r[0], TokenInfo(*r[1:])) for r in rows}
        self._cache_read = time.monotonic()

    def authenticate(self, token: str) -> TokenInfo | None:
        """The active token's info, or None. Compares hashes in constant time."""
        hashed = digest(token)
        with self._lock:
            self._refresh()
            # Lookup by SHA-256 leaks nothing usable about the token itself (an attacker
            # cannot steer the hash); the final equality check is constant-time anyway.
            stored, info = self._cache.get(hashed, ("", None))
            if info is None or not hmac.compare_digest(stored, hashed):
                return None
            self._touch(info)
            return info

    def _touch(self, info: TokenInfo) -> None:
        now = self._clock()
        if now - self._last_used_written.get(info.id, 0) < LAST_USED_EVERY_MS:
            return
        self._last_used_written[info.id] = now
        # "Last used" is informational: a server that is away must not refuse the request.
        with contextlib.suppress(DatabaseUnreachable), self._db.write() as conn:
            conn.execute(update(ApiToken).where(ApiToken.id == info.id).values(last_used_ms=now))

    def firefox_origins(self) -> set[str]:
        """``moz-extension://`` origins bound to active tokens."""
        with self._lock:
            self._refresh()
            return {info.origin for _, info in self._cache.values() if info.origin}

    def tokens(self) -> list[TokenInfo]:
        with self._db.read() as conn:
            rows = conn.execute(select(*_COLUMNS).order_by(ApiToken.id)).all()
            return [TokenInfo(*r) for r in rows]

    def revoke(self, which: str) -> list[TokenInfo]:
        """Revoke by id or by client name; returns what was revoked."""
        now = self._clock()
        with self._db.write() as conn:
            active = ApiToken.revoked_ms.is_(None)
            match = ApiToken.id == int(which) if which.isdigit() else ApiToken.client == which
            ids = list(conn.execute(select(ApiToken.id).where(active, match)).scalars())
            if ids:
                conn.execute(update(ApiToken).where(ApiToken.id.in_(ids)).values(revoked_ms=now))
        self._cache_read = 0.0
        self._notifier.publish(Change.CLIENTS)
        return [t for t in self.tokens() if t.id in ids]
