"""The domain's vocabulary: categories, rules, tasks, goals, rewards and settings.

Plain frozen dataclasses shared by every layer. Points are held as integer
*milli-points* everywhere (``1 point == 1000``) so sums never drift; time is held
as integer milliseconds since the Unix epoch (UTC). The configuration file speaks
in points and minutes; ``config/`` converts at the edge with :func:`to_milli`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

MILLI = 1000
MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000


class Category(StrEnum):
    """What kind of time a rule describes; drives goals, charts and badges."""

    FOCUS = "focus"
    LEARNING = "learning"
    OUTPUT = "output"
    NEUTRAL = "neutral"
    DISTRACTION = "distraction"


class Enforcement(StrEnum):
    """What the extension does on a matching site: only count, pause first, or stop."""

    TRACK = "track"
    NUDGE = "nudge"
    BLOCK = "block"


class Source(StrEnum):
    """Where an activity comes from; each rule matches exactly one source."""

    WEB = "web"
    APP = "app"
    OUTPUT = "output"


class ValidationError(ValueError):
    """Bad input from a user or a client; ``field`` names where, ``message`` says what."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def to_milli(value: object, field_name: str) -> int:
    """Convert a user-facing number of points (int, float or str) to milli-points.

    Accepts at most three decimals, because anything finer cannot be stored
    exactly; booleans are refused even though Python treats them as ints.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError(field_name, f"must be a number, got {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(field_name, f"must be a number, got {value!r}") from None
    if not amount.is_finite():
        raise ValidationError(field_name, f"must be a finite number, got {value!r}")
    milli = amount * MILLI
    if milli != milli.to_integral_value():
        raise ValidationError(field_name, f"allows at most 3 decimals, got {value!r}")
    return int(milli)


def format_points(milli: int) -> str:
    """Render milli-points for people: ``12``, ``-3.5``, ``0.25`` (no float rounding)."""
    sign = "-" if milli < 0 else ""
    whole, frac = divmod(abs(milli), MILLI)
    if frac == 0:
        return f"{sign}{whole:,}"
    return f"{sign}{whole:,}.{frac:03d}".rstrip("0")


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Schedule:
    """When a rule is in force: weekdays (0 = Monday) and a local time window.

    ``start_minute``/``end_minute`` count minutes since local midnight; a window
    whose end is before its start wraps past midnight (e.g. 22:00-02:00).
    """

    days: frozenset[int] = frozenset(range(7))
    start_minute: int = 0
    end_minute: int = 24 * 60


@dataclass(frozen=True)
class SiteMatcher:
    """Matches a registrable domain and its subdomains, optionally a path prefix.

    ``domain`` is normalised (lower case, punycode, no ``www.``/``m.``, no
    trailing dot); ``path`` is ``""`` or starts with ``/``.
    """

    domain: str
    path: str = ""


@dataclass(frozen=True)
class AppMatcher:
    """Matches an application by any of its normalised names, optionally a title regex.

    Names are compared after :func:`core.subjects.normalize_app_name`, so ``code``,
    ``Code.exe`` and ``/usr/bin/code`` are one app.
    """

    names: tuple[str, ...]
    title_pattern: str | None = None


@dataclass(frozen=True)
class FolderMatcher:
    """Matches output (words written) in a folder and everything below it."""

    path: str


Matcher = SiteMatcher | AppMatcher | FolderMatcher


@dataclass(frozen=True)
class Rule:
    """One line of the user's reward model.

    ``rate`` is milli-points per minute (positive earns, negative costs). Caps
    bound the absolute points one rule can move per local day / clock hour.
    ``order`` is the rule's position in the file: the tie-breaker after
    specificity.
    """

    id: str
    matcher: Matcher
    category: Category
    rate: int
    enforcement: Enforcement = Enforcement.TRACK
    daily_cap: int | None = None
    hourly_cap: int | None = None
    schedule: Schedule | None = None
    order: int = 0

    @property
    def source(self) -> Source:
        if isinstance(self.matcher, SiteMatcher):
            return Source.WEB
        if isinstance(self.matcher, AppMatcher):
            return Source.APP
        return Source.OUTPUT


# ------------------------------------------------------------------ tasks and goals


class Repeat(StrEnum):
    """How often a task pays: once ever, once per local day, or every time."""

    ONCE = "once"
    DAILY = "daily"
    ANY = "any"


@dataclass(frozen=True)
class Task:
    name: str
    points: int  # milli-points paid when checked off
    repeat: Repeat = Repeat.DAILY


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"


class GoalKind(StrEnum):
    """What a goal measures. ``max_minutes`` is met by staying *at or under* target."""

    MINUTES = "minutes"
    MAX_MINUTES = "max_minutes"
    WORDS = "words"
    TASKS = "tasks"


@dataclass(frozen=True)
class Goal:
    name: str
    kind: GoalKind
    target: int  # minutes, words or tasks
    period: Period = Period.DAY
    category: Category | None = None  # for the two minutes kinds
    bonus: int = 0  # milli-points paid once per period when met


# --------------------------------------------------------------------------- rewards


@dataclass(frozen=True)
class Reward:
    """Something points buy. With ``minutes`` and a site or category it is an allowance."""

    name: str
    cost: int  # milli-points
    daily_limit: int | None = None
    minutes: int = 0
    site: str | None = None  # normalised domain (optionally with path) the allowance covers
    category: Category | None = None

    @property
    def is_allowance(self) -> bool:
        return self.minutes > 0 and (self.site is not None or self.category is not None)


# -------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """Every option with its default, declared once; the TOML file overrides them."""

    device_name: str = ""  # empty: the machine's host name
    database_url: str = ""  # empty: SQLite file beside the config
    timezone: str = ""  # empty: the system's local zone
    port: int = 5747
    idle_threshold_s: int = 180
    pulsetime_s: int = 30
    store_titles: bool = False
    store_paths: bool = False
    words_per_minute: int = 25  # output words are credited as this many words per minute
    doomscroll_share_pct: int = 40  # share of time spent scrolling that makes it a feed
    doomscroll_multiplier_pct: int = 150  # distraction cost while doomscrolling
    allow_overdraft: bool = False
    overdraft_limit: int = 0  # milli-points a purchase may take the balance below zero
    debt_limit: int = 100_000  # milli-points of debt before distraction sites are blocked
    low_balance: int = 10_000  # milli-points under which the user is warned
    nudge_pause_s: int = 10  # seconds the nudge page makes the user wait before choosing
    nudge_minutes: int = 15  # the allowance (minutes) the nudge and block pages offer to buy
    nudge_surcharge_pct: int = 200  # cost of distraction after "continue anyway", percent


@dataclass(frozen=True)
class Config:
    """The whole configuration file, parsed."""

    settings: Settings = field(default_factory=Settings)
    rules: tuple[Rule, ...] = ()
    tasks: tuple[Task, ...] = ()
    goals: tuple[Goal, ...] = ()
    rewards: tuple[Reward, ...] = ()

    def task(self, name: str) -> Task | None:
        return next((t for t in self.tasks if t.name.casefold() == name.casefold()), None)

    def reward(self, name: str) -> Reward | None:
        return next((r for r in self.rewards if r.name.casefold() == name.casefold()), None)
