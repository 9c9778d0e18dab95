"""Linux/BSD X11 adapter: the focused window's app and the idle time, via python-xlib.

The window manager publishes the focused window in the root window's
``_NET_ACTIVE_WINDOW`` (EWMH); a bare X server without a window manager has none,
and then nothing counts as focused. For that window we read ``WM_CLASS``, the title
(``_NET_WM_NAME`` in UTF-8, else the legacy ``WM_NAME``) and the owning process.

The quirk handled here: the pid. ``_NET_WM_PID`` is set by the client itself, so
old Xt programs (xcalc, xmessage) do not set it at all, and sandboxed apps (Flatpak
runs them in their own pid namespace) set a pid that means something else on the
host. So the pid is asked of the X server first, through the X-Resource
extension (``XResQueryClientIds``, version 1.2+), which knows the real local pid of
every client connection; ``_NET_WM_PID`` is only the fallback. With a pid, ``app``
is the process name (psutil) and ``exe`` its path; without one (a remote client,
no X-Resource) ``app`` is the ``WM_CLASS`` class (e.g. "XCalc"), else its instance.

Idle time comes from the MIT-SCREEN-SAVER extension (milliseconds since the last
input). The display connection and atoms are reused between calls, process facts
are cached per pid; a dead connection is dropped and reopened on the next call.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from Xlib import X, Xatom, display, error
from Xlib.ext import res

from human_pretraining.monitor.fallback import ProcessInfoCache
from human_pretraining.monitor.probes import Foreground, ProbeError

# Property reads ask for this many 32-bit units at once, so a long title still
# arrives in one round trip (python-xlib makes a second request only if needed).
_SIZEHINT = 256

# Errors meaning the connection itself is unusable: drop it and reconnect later.
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    error.ConnectionClosedError,
    error.DisplayError,
    OSError,
)

# Errors of opening a display (no server, refused, authorisation, reset during setup).
_OPEN_ERRORS: tuple[type[BaseException], ...] = (
    *_CONNECTION_ERRORS,
    error.XauthError,
    error.XNoAuthError,
)


@dataclass
class _Connection:
    display: Any  # Xlib.display.Display
    root: Any  # Xlib.xobject.drawable.Window
    net_active_window: int
    net_wm_name: int
    net_wm_pid: int
    utf8_string: int
    has_xres: bool
    has_screensaver: bool


class X11Probe:
    """Foreground app and idle time on an X11 display (``$DISPLAY`` unless given).

    Opening the display happens in the constructor, so a probe that cannot work
    raises ``ProbeError`` at once (``detect`` relies on that). Call ``close()``
    (or use it as a context manager) to release the connection.
    """

    name = "X11"

    def __init__(self, display: str | None = None) -> None:
        self._display_name = display
        self._lock = threading.Lock()
        self._processes = ProcessInfoCache()
        self._connection: _Connection | None = None
        self._connection = self._connect()

    # -- the two probes -------------------------------------------------------------

    def foreground(self) -> Foreground | None:
        with self._lock:
            connection = self._connected()
            window_id: int | None = None
            try:
                window_id = self._active_window(connection)
                if window_id is None:
                    return None
                return self._describe(connection, window_id)
            except error.BadWindow as failure:
                raise ProbeError(
                    f"the active window 0x{window_id or 0:x} closed while it was read"
                ) from failure
            except _CONNECTION_ERRORS as failure:
                self._drop()
                raise ProbeError(f"lost the X display connection: {failure}") from failure
            except error.XError as failure:
                raise ProbeError(f"X error while reading the active window: {failure}") from failure

    def idle_seconds(self) -> float:
        with self._lock:
            connection = self._connected()
            if not connection.has_screensaver:
                raise ProbeError(
                    "idle time unknown: the X server lacks the MIT-SCREEN-SAVER extension"
                )
            try:
                info = connection.root.screensaver_query_info()
            except _CONNECTION_ERRORS as failure:
                self._drop()
                raise ProbeError(f"lost the X display connection: {failure}") from failure
            except error.XError as failure:
                raise ProbeError(f"X error while reading the idle time: {failure}") from failure
            return int(info.idle) / 1000.0

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the display connection (a later call would reopen it)."""
        with self._lock:
            self._drop()

    def __enter__(self) -> X11Probe:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------

    def _connect(self) -> _Connection:
        shown = self._display_name or "$DISPLAY"
        opened: Any = None
        problem: str | None = None
        with warnings.catch_warnings():
            # A failed attempt leaves python-xlib's sockets to be collected with the
            # exception's traceback: keep their ResourceWarnings quiet, and let them go
            # (by not chaining the exception) before leaving this block.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                opened = display.Display(self._display_name)
            except _OPEN_ERRORS as failure:
                problem = f"cannot open X display {shown}: {failure}"
        if problem is not None:
            raise ProbeError(problem)
        try:
            has_xres = False
            if opened.has_extension("X-Resource"):
                version = opened.res_query_version()
                has_xres = (version.server_major, version.server_minor) >= (1, 2)
            return _Connection(
                display=opened,
                root=opened.screen().root,
                net_active_window=opened.intern_atom("_NET_ACTIVE_WINDOW"),
                net_wm_name=opened.intern_atom("_NET_WM_NAME"),
                net_wm_pid=opened.intern_atom("_NET_WM_PID"),
                utf8_string=opened.intern_atom("UTF8_STRING"),
                has_xres=has_xres,
                has_screensaver=opened.has_extension("MIT-SCREEN-SAVER"),
            )
        except (*_CONNECTION_ERRORS, error.XError) as failure:
            _close_quietly(opened)
            raise ProbeError(f"cannot set up X display {shown}: {failure}") from failure

    def _connected(self) -> _Connection:
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            _close_quietly(self._connection.display)
            self._connection = None

    @staticmethod
    def _active_window(connection: _Connection) -> int | None:
        prop = connection.root.get_full_property(connection.net_active_window, X.AnyPropertyType)
        if prop is None or len(prop.value) == 0:
            return None
        window_id = int(prop.value[0])
        return window_id or None

    def _describe(self, connection: _Connection, window_id: int) -> Foreground:
        window = connection.display.create_resource_object("window", window_id)
        instance, klass = _wm_class(window)
        title = _text_property(window, connection.net_wm_name, connection)
        if title is None:
            title = _text_property(window, Xatom.WM_NAME, connection)
        pid = self._xres_pid(connection, window_id) or _net_wm_pid(window, connection)
        info = self._processes.get(pid) if pid else None
        if info is not None:
            return Foreground(app=info.name, exe=info.exe, pid=pid, title=title or None)
        app = klass or instance
        if not app:
            raise ProbeError(
                f"cannot tell which app owns the active window 0x{window_id:x}: "
                "it has no WM_CLASS and its process is unknown"
            )
        return Foreground(app=app, exe=None, pid=pid, title=title or None)

    @staticmethod
    def _xres_pid(connection: _Connection, window_id: int) -> int | None:
        if not connection.has_xres:
            return None
        try:
            reply = connection.display.res_query_client_ids(
                [{"client": window_id, "mask": res.LocalClientPIDMask}]
            )
        except error.BadValue:
            return None
        for client in reply.ids:
            if client.spec.mask & res.LocalClientPIDMask and client.value:
                return int(client.value[0]) or None
        return None  # a remote client: the server knows no local pid


def _close_quietly(opened: Any) -> None:
    try:
        opened.close()
    except Exception:  # the connection may already be dead; closing must not fail
        with contextlib.suppress(Exception):
            opened.display.socket.close()


def _decode(raw: Any, *, utf8: bool) -> str:
    data = raw.encode("latin-1") if isinstance(raw, str) else bytes(raw)
    if utf8:
        return data.decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")  # many apps put UTF-8 into STRING properties anyway
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _text_property(window: Any, atom: int, connection: _Connection) -> str | None:
    prop = window.get_full_property(atom, X.AnyPropertyType, sizehint=_SIZEHINT)
    if prop is None or prop.format != 8:
        return None
    return _decode(prop.value, utf8=prop.property_type == connection.utf8_string)


def _wm_class(window: Any) -> tuple[str, str]:
    """(instance, class) from ``WM_CLASS``: two NUL-terminated strings; ("", "") if unset."""
    prop = window.get_full_property(Xatom.WM_CLASS, X.AnyPropertyType, sizehint=_SIZEHINT)
    if prop is None or prop.format != 8:
        return "", ""
    parts = _decode(prop.value, utf8=False).split("\0")
    instance = parts[0] if parts else ""
    klass = parts[1] if len(parts) > 1 else ""
    return instance, klass


def _net_wm_pid(window: Any, connection: _Connection) -> int | None:
    prop = window.get_full_property(connection.net_wm_pid, X.AnyPropertyType)
    if prop is None or prop.format != 32 or len(prop.value) == 0:
        return None
    return int(prop.value[0]) or None
