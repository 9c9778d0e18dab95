"""Serving the endpoint with waitress in a background thread of the app's process.

Binds loopback only; another address is refused unless the caller passes
``allow_remote=True`` (the CLI's ``--allow-remote``), because the endpoint is
designed for one machine. A busy port gives a message that says what to do.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import threading
from typing import Any, cast

from waitress import wasyncore
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
        )
        # The stubs type the server as a union without the attributes used below.
        self._server: Any = cast(Any, server)
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
