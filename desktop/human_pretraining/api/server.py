"""Serving the endpoint with waitress in a background thread of the app's process.

Binds loopback only; another address is refused unless the caller passes
``allow_remote=True`` (the CLI's ``--allow-remote``), because the endpoint is
designed for one machine. A busy port gives a message that says what to do.

Idle connections cannot starve it. Waitress stops accepting at its connection
limit and by default keeps a silent connection for two minutes, so any local
process opening a hundred sockets left the browser unanswered. Here:

* a connection idle for :data:`IDLE_TIMEOUT_S` (no request in progress) is closed,
  checked every few seconds;
* at most :data:`CONNECTION_LIMIT` connections are kept: a new one is always
  accepted, and the connections idle the longest (no request being served, no
  answer being sent) are closed to make room. The browser's connection is in use
  and stays; sockets that only sit there are the ones to go. Waitress's own
  limit is set above ours, so it pauses accepting only if every connection is busy.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import threading
from typing import Any, cast

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

from human_pretraining.api.app import create_app
from human_pretraining.api.guard import MAX_BODY_BYTES
from human_pretraining.services.context import App

log = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# One worker thread by default: the endpoint serves one person's browser, writes are
# serialised anyway, and one worker measured a little faster than four (fewer thread
# hand-offs). With one worker, waitress warns whenever a request waits for the
# previous one ("Task queue depth is 1"): expected here, not news.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


IDLE_TIMEOUT_S = 30
CONNECTION_LIMIT = 100


class _RoomMakingChannel(HTTPChannel):
    """A connection that, once accepted, closes the longest-idle ones over the limit.

    Runs in waitress's loop thread (accepting happens there), the only thread that
    opens and closes connections, so closing here races with nothing.
    """

    limit = CONNECTION_LIMIT

    def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
        super().__init__(server, sock, addr, adj, map=map)
        channels = list(server.active_channels.values())
        excess = len(channels) - self.limit
        if excess <= 0:
            return
        idle = [
            channel
            for channel in channels
            if channel is not self and not channel.requests and not channel.total_outbufs_len
        ]
        idle.sort(key=lambda channel: channel.last_activity)
        for channel in idle[:excess]:
            channel.handle_close()


class ServerError(RuntimeError):
    """The endpoint cannot start; the message says why and what to do."""


class ApiServer:
    def __init__(
        self,
        services: App,
        host: str = "127.0.0.1",
        port: int = 5747,
        allow_remote: bool = False,
        threads: int = 1,
        idle_timeout_s: int = IDLE_TIMEOUT_S,
        connection_limit: int = CONNECTION_LIMIT,
    ) -> None:
        if host not in LOOPBACK and not allow_remote:
            raise ServerError(
                f"refusing to listen on {host}: the endpoint is for this machine only. "
                "Pass --allow-remote if you really mean to expose it."
            )
        listener = _listen(host, port)
        server = create_server(
            _unset_app,
            sockets=[listener],
            threads=threads,
            max_request_body_size=MAX_BODY_BYTES,
            ident="human-pretraining",
            clear_untrusted_proxy_headers=True,
            # asyncore_loop_timeout stays at its default (1 s): waitress reads it as an
            # integer, and anything below 1 becomes 0, a loop that spins a whole core.
            channel_timeout=idle_timeout_s,
            # How often idle connections are looked for (whole seconds, like the timeout).
            cleanup_interval=max(1, min(5, idle_timeout_s // 2)),
            # Above ours (which also counts the listener and the wake-up pipe): waitress
            # pauses accepting only when every connection is busy.
            connection_limit=connection_limit + 16,
        )
        # The stubs type the server as a union without the attributes used below.
        self._server: Any = cast(Any, server)
        self._server.channel_class = type(
            "RoomMakingChannel", (_RoomMakingChannel,), {"limit": connection_limit}
        )
        self.host = host
        self.port: int = listener.getsockname()[1]
        self.app = create_app(services, self.port)
        if host not in LOOPBACK:
            self.app.config["HP_EXTRA_HOSTS"] = {f"{host}:{self.port}"}
        self._server.application = self.app
        self._thread = threading.Thread(target=self._run, name="api-server", daemon=True)

    def _run(self) -> None:
        with contextlib.suppress(OSError):  # the listening socket was closed by stop()
            self._server.run()

    @property
    def url(self) -> str:
        return (
            f"http://127.0.0.1:{self.port}"
            if self.host in LOOPBACK
            else f"http://{self.host}:{self.port}"
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, let requests in flight finish, then close idle connections.

        Waitress's loop runs until no connection is left, and a client may keep an
        idle keep-alive connection open for minutes; those are closed here, and the
        loop is woken through its trigger pipe so it sees that at once.
        """
        server = self._server
        wasyncore.dispatcher.close(server)  # the listening socket: no new connections
        server.task_dispatcher.shutdown(timeout=timeout)
        for channel in list(server._map.values()):
            if channel is not server.trigger:
                channel.close()
        server.trigger.pull_trigger()
        server.trigger.close()
        self._thread.join(timeout)


def _listen(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves, so a failure is reported clearly and cleaned up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = "127.0.0.1" if host == "localhost" else host
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((address, port))
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServerError(
                f"port {port} is already in use — is Human Pretraining already running? "
                "Choose another with --port N or the 'port' setting."
            ) from None
        raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return listener


def _unset_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]
