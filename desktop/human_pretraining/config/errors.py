"""The one error the configuration layer raises: what is wrong, and where."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration problem a person can fix.

    ``line`` is 1-based and points into the file (``None`` when unknown or when
    the problem is in a change that was refused and never written); ``field``
    names the value, e.g. ``rules[3].rate``. ``str()`` reads like
    ``config.toml, line 12: rules[3].rate: must be a number, got 'fast'``.
    """

    def __init__(
        self,
        message: str,
        line: int | None = None,
        field: str | None = None,
        *,
        filename: str | None = "config.toml",
    ) -> None:
        self.message = message
        self.line = line
        self.field = field
        self.filename = filename
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.filename or ""
        if self.line is not None:
            where = f"{where}, line {self.line}" if where else f"line {self.line}"
        parts = [p for p in (where, self.field) if p]
        parts.append(self.message)
        return ": ".join(parts)

    def __str__(self) -> str:
        return self._render()
