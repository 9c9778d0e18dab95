"""Serving the endpoint with waitress in a background thread of the app's process.

Binds loopback only; another address is refused unless the caller passes
``allow_remote=True`` (the CLI's ``--allow-remote``), because the endpoint is
designed for one machine. A busy port gives a message that says what to do.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
from typing import Any, cast

from waitress.server import create_server

from human_pretraining.api.app import create_app
from human_pretraining.api.guard import MAX_BODY_BYTES
from human_pretraining.services.context import App

log = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ServerError(RuntimeError):
    """The endpoint cannot start; the message says why and what to do."""


class ApiServer:
    def __init__(
        self,
        services: App,
        host: str = "127.0.0.1",
        port: int = 5747,
        allow_remote: bool = False,
        threads: int = 4,
    ) -> None:
        if host not in LOOPBACK and not allow_remote:
            raise ServerError(
                f"refusing to listen on {host}: the endpoint is for this machine only. "
                "Pass --allow-remote if you really mean to expose it."
            )
        try:
            server = create_server(
                _unset_app,
                host=host,
                port=port,
                threads=threads,
                max_request_body_size=MAX_BODY_BYTES,
                ident="human-pretraining",
                clear_untrusted_proxy_headers=True,
            )
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServerError(
                    f"port {port} is already in use — is Human Pretraining already running? "
                    "Choose another with --port N or the 'port' setting."
                ) from None
            raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        # One host gives a TcpWSGIServer; its effective_port is missing from the stubs.
        self._server: Any = cast(Any, server)
        self.host = host
        self.port: int = self._server.effective_port
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
        """Stop accepting, let requests in flight finish, and join the thread."""
        self._server.close()
        self._server.task_dispatcher.shutdown(timeout=timeout)
        self._thread.join(timeout)


def _unset_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]
