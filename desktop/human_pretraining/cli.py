"""The ``human-pretraining`` command line: status, rules check, tasks, rewards, export, demo.

Each command is a thin shell over ``services``: parse arguments, call one use
case, print the result for people. Errors a user can fix (a bad config file, an
unknown task, a refused purchase) print one clear line and exit with status 2;
nothing is written when a command fails.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from human_pretraining import __version__, autostart
from human_pretraining.config.paths import chosen_home, resolve_paths
from human_pretraining.core.clock import format_day, format_time, now_ms, parse_day
from human_pretraining.core.model import MINUTE_MS, format_points
from human_pretraining.core.rules import explain
from human_pretraining.services import rule_check
from human_pretraining.services.context import App, open_app
from human_pretraining.services.copy import TableCopied, copy_to
from human_pretraining.services.errors import USER_ERRORS as SERVICE_ERRORS
from human_pretraining.services.export_file import (
    DEFAULT_CSV_TABLE,
    EXPORT_TABLES,
    ExportFormat,
    ExportRequest,
)
from human_pretraining.services.recovery import restore_history


class UsageError(Exception):
    """A command used wrongly; the message says how to use it."""


def _bar(fraction: float, width: int = 12) -> str:
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def _minutes(ms: int) -> str:
    hours, minutes = divmod(ms // MINUTE_MS, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


# ------------------------------------------------------------------- commands


def cmd_status(app: App, args: argparse.Namespace, out: TextIO) -> None:
    app.settler.settle()
    s = app.queries.summary()
    out.write(f"Balance   {format_points(s.balance)} points\n")
    out.write(
        f"Today     {format_points(s.earned_today)} earned · "
        f"{format_points(s.spent_today)} spent  ({format_day(s.day)})\n"
    )
    if s.allowances:
        now = app.clock()
        for a in s.allowances:
            left = max(0, a.ends_ms - now)
            out.write(f"Allowance {a.reward} ({a.target}): {_minutes(left)} left\n")
    if s.goals:
        out.write("Goals\n")
        width = max(len(g.progress.goal.name) for g in s.goals)
        for status in s.goals:
            p, goal = status.progress, status.progress.goal
            unit = {"minutes": "min", "max_minutes": "min", "words": "words", "tasks": "tasks"}[
                goal.kind.value
            ]
            target = f"limit {goal.target}" if goal.kind.value == "max_minutes" else goal.target
            mark = "✓" if p.met else " "
            amount = f"{p.value}/{target} {unit}"
            out.write(
                f"  {mark} {goal.name:<{width}}  {_bar(p.fraction)}  {amount:<18} "
                f"per {goal.period.value}  streak {status.streak}\n"
            )
    paused = app.pause.until()
    if paused and paused > app.clock():
        out.write(f"Paused    tracking is paused until {format_time(paused, app.tz())}\n")
    out.write(f"Tracking  {tracking_summary()}\n")
    usage = app.queries.usage(s.day, s.day)[:5]
    if usage:
        out.write("Top today\n")
        for row in usage:
            out.write(
                f"  {row.subject:<28} {_minutes(row.active_ms):>12}  {row.category:<11} "
                f"{format_points(row.points):>7} pts\n"
            )


def tracking_summary() -> str:
    """What this machine's monitor can see (the probes are opened and closed again)."""
    from human_pretraining.monitor.detect import detect_probes

    detection = detect_probes()
    try:
        return detection.summary
    finally:
        detection.close()


def cmd_rules_check(app: App, args: argparse.Namespace, out: TextIO) -> None:
    result = rule_check.check(app.config(), args.target, args.kind, args.title)
    lines = result.explanation()
    rule = result.rule
    if rule is None:
        out.write(lines[0] + "\n")
        return
    out.write(f"{result.what}\n")
    out.write(f"  category     {rule.category.value}\n")
    out.write(f"  rate         {format_points(rule.rate)} points/min\n")
    out.write(f"  enforcement  {rule.enforcement.value}\n")
    out.write(f"  rule         {rule.id}: {explain(rule)}\n")
    for line in lines[1:]:  # the rules it beat, and why
        out.write(f"  {line}\n")


def cmd_task_done(app: App, args: argparse.Namespace, out: TextIO) -> None:
    done = app.spending.complete_task(args.name)
    out.write(
        f"Checked off '{done.task}': +{format_points(done.points)} points. "
        f"Balance {format_points(done.balance)}.\n"
    )


def cmd_task_list(app: App, args: argparse.Namespace, out: TextIO) -> None:
    for task in app.config().tasks:
        out.write(f"  {task.name:<36} +{format_points(task.points):>6}  ({task.repeat.value})\n")


def cmd_redeem(app: App, args: argparse.Namespace, out: TextIO) -> None:
    bought = app.spending.redeem(args.reward)
    extra = ""
    if bought.ends_ms is not None:
        extra = f" Allowance runs for {_minutes(bought.ends_ms - app.clock())}."
    out.write(
        f"Bought '{bought.reward}' for {format_points(bought.cost)} points. "
        f"Balance {format_points(bought.balance)}.{extra}\n"
    )


def cmd_rewards(app: App, args: argparse.Namespace, out: TextIO) -> None:
    for r in app.config().rewards:
        limit = f", {r.daily_limit}/day" if r.daily_limit else ""
        kind = f" — {r.minutes} min of {r.site or r.category}" if r.is_allowance else ""
        out.write(f"  {r.name:<28} {format_points(r.cost):>6} pts{limit}{kind}\n")


def cmd_export(app: App, args: argparse.Namespace, out: TextIO) -> None:
    since = parse_day(args.since) if args.since else None
    fmt = ExportFormat(args.format)
    if args.table:
        tables: tuple[str, ...] = (args.table,)
    else:
        tables = tuple(EXPORT_TABLES) if fmt is ExportFormat.JSON else (DEFAULT_CSV_TABLE,)
    if args.output:
        app.exporter.write(ExportRequest(Path(args.output), fmt, tables, since, args.force))
    else:
        app.exporter.stream(out, fmt, tables, since)


def cmd_demo(app: App, args: argparse.Namespace, out: TextIO) -> None:
    from human_pretraining.services.demo import fill_demo

    def progress(done: int, total: int) -> None:
        out.write(f"\rGenerating day {done}/{total}…")
        out.flush()

    interactive = out.isatty()
    report = fill_demo(
        app, days=args.days, seed=args.seed, progress=progress if interactive else None
    )
    out.write(
        ("\r" if interactive else "")
        + f"Demo data: {report.events:,} events over {args.days} days, {report.tasks} tasks, "
        f"{report.purchases} purchases in {app.db.url}\n"
    )
    cmd_status(app, args, out)


def cmd_serve(app: App, args: argparse.Namespace, out: TextIO) -> None:
    from human_pretraining.api.server import ServerError
    from human_pretraining.app import run_headless

    # Headless, the log on stderr is the only window: config reloads, errors, stops.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        run_headless(app, args.host, args.port, args.allow_remote, out, monitor=not args.no_monitor)
    except ServerError as exc:
        raise UsageError(str(exc)) from None


def cmd_pair(app: App, args: argparse.Namespace, out: TextIO) -> None:
    code = app.pairing.new_code()
    minutes = -(-(code.expires_ms - app.clock()) // MINUTE_MS)  # rounded up: "5", not "4"
    out.write(
        f"Type this code in the extension's options page (valid for {minutes} minutes, once):\n"
        f"{code.code}\n"
    )


def cmd_tokens_list(app: App, args: argparse.Namespace, out: TextIO) -> None:
    tokens = app.pairing.tokens()
    if not tokens:
        out.write("No paired clients. Pair one with: human-pretraining pair\n")
    tz = app.tz()
    for t in tokens:
        state = "revoked" if t.revoked_ms else "active"
        used = format_time(t.last_used_ms, tz) if t.last_used_ms else "never"
        origin = f"  {t.origin}" if t.origin else ""
        out.write(
            f"  {t.id:>3}  {t.client:<28} {state:<8} paired {format_time(t.created_ms, tz)}"
            f"  last used {used}{origin}\n"
        )


def cmd_tokens_revoke(app: App, args: argparse.Namespace, out: TextIO) -> None:
    revoked = app.pairing.revoke(args.which)
    if not revoked:
        raise UsageError(f"no active client with id or name {args.which!r}; see: tokens list")
    for t in revoked:
        out.write(f"Revoked {t.id} ({t.client}); it can no longer reach the app.\n")


def cmd_pause(app: App, args: argparse.Namespace, out: TextIO) -> None:
    if args.minutes <= 0 or args.minutes > 24 * 60:
        raise UsageError("pause for 1 to 1440 minutes")
    until = app.clock() + args.minutes * MINUTE_MS
    app.pause.pause_until(until)
    out.write(
        f"Tracking paused until {format_time(until, app.tz())} "
        "(human-pretraining resume to undo).\n"
    )


def cmd_resume(app: App, args: argparse.Namespace, out: TextIO) -> None:
    app.pause.resume()
    out.write("Tracking resumed.\n")


def cmd_db_copy(app: App, args: argparse.Namespace, out: TextIO) -> None:
    def starting(source: str, target: str) -> None:
        out.write(f"Copying {source} → {target}\n")
        out.flush()

    def report(t: TableCopied) -> None:
        out.write(f"  {t.table:<18} {t.copied:>9,} of {t.rows:>9,} rows copied\n")
        out.flush()

    password = None
    if args.password_prompt:  # read here, handed to libpq in this process: never in `ps`
        password = getpass.getpass("PostgreSQL password: ")
    done = copy_to(
        args.to,
        app.paths,
        app.db,
        args.source,
        starting=starting,
        report=report,
        password=password,
    )
    out.write(
        f"Done: {done.copied:,} rows copied, {done.already_there:,} already there. "
        f"Balance there: {format_points(done.balance)} points.\n"
        "Use it on every machine: set database_url in the settings "
        "(or HUMAN_PRETRAINING_DATABASE_URL).\n"
    )


def cmd_gui(home: Path | None, args: argparse.Namespace) -> int:
    """The desktop app; it opens the services itself, after the single-instance check."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        raise UsageError(
            "no display to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
            "On a machine without a screen run: human-pretraining serve"
        )
    from human_pretraining.gui.launch import run_gui

    return run_gui(
        home,
        monitor=not getattr(args, "no_monitor", False),
        hidden=getattr(args, "hidden", False),
        port=getattr(args, "port", None),
    )


def cmd_db_restore(args: argparse.Namespace, out: TextIO) -> None:
    """Runs without opening the app: the history it replaces may be damaged."""
    database, aside = restore_history(args.home, args.backup, datetime.now())
    out.write(f"Restored {database} from {args.backup}; the file it replaced is {aside}.\n")


def cmd_autostart(args: argparse.Namespace, out: TextIO) -> None:
    """Runs without opening the app: a broken config must not stop 'autostart off'."""
    if args.action == "on":
        state = autostart.enable(autostart.login_args(chosen_home(args.home)))
    elif args.action == "off":
        state = autostart.disable()
    else:
        state = autostart.status()
    out.write(state.describe())


# -------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="human-pretraining",
        description="Set your own reward model: focused work and output earn points, "
        "distraction costs them, points buy rewards you define.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--home",
        type=Path,
        metavar="DIR",
        help="keep the config file and the database in DIR (same as HUMAN_PRETRAINING_HOME)",
    )
    parser.set_defaults(handler=None, standalone=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    gui = commands.add_parser(
        "gui", help="the desktop window with tracking and the endpoint (also: no command)"
    )
    gui.add_argument("--no-monitor", action="store_true", help="do not track apps and folders")
    gui.add_argument("--port", type=int, help="port (default: the 'port' setting, 5747)")
    gui.add_argument(
        "--hidden", action="store_true", help="start in the tray without showing the window"
    )
    gui.set_defaults(handler=None)

    status = commands.add_parser("status", help="balance, today's earned/spent, goals, streaks")
    status.set_defaults(handler=cmd_status)

    rules = commands.add_parser("rules", help="inspect the rules")
    rules_commands = rules.add_subparsers(metavar="ACTION", required=True)
    check = rules_commands.add_parser("check", help="which rule a URL or app hits")
    check.add_argument("target", help="a URL, a domain, or an app name/executable")
    kind = check.add_mutually_exclusive_group()
    kind.add_argument("--site", dest="kind", action="store_const", const="site")
    kind.add_argument("--app", dest="kind", action="store_const", const="app")
    check.add_argument("--title", help="window title, for app rules with a title pattern")
    check.set_defaults(handler=cmd_rules_check, kind=None)

    task = commands.add_parser("task", help="check off or list tasks")
    task_commands = task.add_subparsers(metavar="ACTION", required=True)
    done = task_commands.add_parser("done", help="check off a task and earn its points")
    done.add_argument("name")
    done.set_defaults(handler=cmd_task_done)
    task_commands.add_parser("list", help="the tasks and what they pay").set_defaults(
        handler=cmd_task_list
    )

    redeem = commands.add_parser("redeem", help="buy a reward with points")
    redeem.add_argument("reward")
    redeem.set_defaults(handler=cmd_redeem)
    commands.add_parser("rewards", help="list the rewards shop").set_defaults(handler=cmd_rewards)

    export = commands.add_parser("export", help="export history as CSV or JSON")
    export.add_argument("--format", choices=[f.value for f in ExportFormat], default="json")
    export.add_argument("--since", metavar="YYYY-MM-DD")
    export.add_argument(
        "--table", choices=list(EXPORT_TABLES), help=f"one table (CSV default: {DEFAULT_CSV_TABLE})"
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    export.add_argument(
        "--force",
        action="store_true",
        help="replace FILE if it exists (never the app's own database, config or folder)",
    )
    export.set_defaults(handler=cmd_export)

    serve = commands.add_parser(
        "serve", help="run headless: the local endpoint for the extension, and settling"
    )
    serve.add_argument("--port", type=int, help="port (default: the 'port' setting, 5747)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (loopback only)")
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (exposes your data to the network)",
    )
    serve.add_argument(
        "--no-monitor",
        action="store_true",
        help="only the endpoint: no foreground-app sampling or output-folder watching",
    )
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser(
        "pair", help="show a one-time code to pair the browser extension"
    ).set_defaults(handler=cmd_pair)
    tokens = commands.add_parser("tokens", help="list or revoke paired clients")
    token_commands = tokens.add_subparsers(metavar="ACTION", required=True)
    token_commands.add_parser("list", help="paired clients").set_defaults(handler=cmd_tokens_list)
    revoke = token_commands.add_parser("revoke", help="revoke a client by id or name")
    revoke.add_argument("which", help="the id or client name from 'tokens list'")
    revoke.set_defaults(handler=cmd_tokens_revoke)

    pause = commands.add_parser("pause", help="pause automatic tracking for N minutes")
    pause.add_argument("minutes", type=int, nargs="?", default=15)
    pause.set_defaults(handler=cmd_pause)
    commands.add_parser("resume", help="resume tracking now").set_defaults(handler=cmd_resume)

    db = commands.add_parser("db", help="the database: copy this history to a shared server")
    db_commands = db.add_subparsers(metavar="ACTION", required=True)
    copy = db_commands.add_parser(
        "copy", help="copy this machine's history into another database (safe to repeat)"
    )
    copy.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="a PostgreSQL server (e.g. postgresql+psycopg://me@server/human_pretraining, "
        "no password) or a SQLite file (sqlite:////path/to/file.sqlite3)",
    )
    copy.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="the history to copy (default: this machine's SQLite file)",
    )
    copy.add_argument(
        "--password-prompt",
        action="store_true",
        help="ask for the PostgreSQL password (else PGPASSWORD or ~/.pgpass; "
        "never put it in the URL: other users see it in `ps`)",
    )
    copy.set_defaults(handler=cmd_db_copy)
    back = db_commands.add_parser("restore", help="go back to a backup of this history")
    back.add_argument("backup", type=Path, help="a file in the data folder's backups/")
    back.set_defaults(standalone=cmd_db_restore)

    start = commands.add_parser("autostart", help="start the app at login: on, off or status")
    start.add_argument("action", choices=("on", "off", "status"))
    start.set_defaults(standalone=cmd_autostart)

    demo = commands.add_parser("demo", help="fill the database with a realistic synthetic month")
    demo.add_argument("--days", type=int, default=30)
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(handler=cmd_demo)
    return parser


Handler = Callable[[App, argparse.Namespace, TextIO], None]
Standalone = Callable[[argparse.Namespace, TextIO], None]  # commands that need no database

# Mistakes a user can fix: one line on stderr, exit status 2, nothing written.
USER_ERRORS: tuple[type[Exception], ...] = (
    *SERVICE_ERRORS,
    UsageError,
    ValueError,
    autostart.AutostartError,
)


GUI_START_ERRORS: tuple[type[Exception], ...] = (UsageError, *SERVICE_ERRORS)  # e.g. damaged


def check_home(home: Path | None) -> None:
    """A home (``--home`` or HUMAN_PRETRAINING_HOME) must be a folder, e.g. not /dev/null."""
    paths = resolve_paths(home)
    for folder in dict.fromkeys((paths.data_dir, paths.config_dir)):
        if folder.exists() and not folder.is_dir():
            raise UsageError(
                f"{folder} is not a folder; give --home (or HUMAN_PRETRAINING_HOME) a folder"
            )


def main(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    clock: Callable[[], int] = now_ms,
) -> int:
    """Run one command; ``clock`` (epoch ms) is what "now" and "today" mean for it."""
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    if args.handler is None and args.standalone is None:
        try:
            check_home(args.home)
            return cmd_gui(args.home, args)
        except GUI_START_ERRORS as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    handler: Handler = args.handler
    standalone: Standalone | None = args.standalone
    app: App | None = None
    try:
        if standalone is not None:
            standalone(args, out)
        else:
            check_home(args.home)
            app = open_app(args.home, clock=clock)
            handler(app, args, out)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `human-pretraining export | head`
        return 0
    except OSError as exc:  # a file or folder the app needs cannot be used: one line
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    finally:
        if app is not None:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
