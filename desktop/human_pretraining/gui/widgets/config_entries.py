"""Adding, editing and deleting one kind of configuration entry (tasks, goals or rewards)
from a view, always through the configuration file so the user's comments are kept.

Add and edit open the kind's :class:`~human_pretraining.gui.widgets.entry_dialog.EntryDialog`
with a ``save`` that writes the entry (a refusal shows in the dialog, which stays
open with everything typed). Delete asks first, then removes the entry: a refusal
shows on the view's message line; success clears the line and refreshes the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, Protocol, TypeVar

from PySide6.QtWidgets import QWidget

from human_pretraining.config.errors import ConfigError
from human_pretraining.gui.widgets.confirm import Confirm
from human_pretraining.gui.widgets.entry_dialog import EntryDialog, Save
from human_pretraining.gui.widgets.message_line import MessageLine


class Named(Protocol):
    @property
    def name(self) -> str: ...


E = TypeVar("E", bound=Named)
D = TypeVar("D", bound=EntryDialog)


class ConfigEntries(Generic[E, D]):
    """One kind's add, edit and delete; the view keeps the buttons and knows the selection."""

    def __init__(
        self,
        view: QWidget,
        message: MessageLine,
        refresh: Callable[[], None],
        *,
        noun: str,
        kept: str,
        dialog: Callable[[Save, E | None, QWidget], D],
        add: Save,
        replace: Callable[[str, Mapping[str, object]], object],
        remove: Callable[[str], object],
    ) -> None:
        """``noun`` names the kind ("task"); ``kept`` tells, when deleting, what stays."""
        self._view = view
        self._message = message
        self._refresh = refresh
        self._noun = noun
        self._kept = kept
        self._dialog = dialog
        self._add = add
        self._replace = replace
        self._remove = remove

    def add(self) -> D:
        dialog = self._dialog(self._add, None, self._view)
        dialog.open()
        return dialog

    def edit(self, entry: E | None) -> D | None:
        if entry is None:
            return None
        name = entry.name
        dialog = self._dialog(lambda e: self._replace(name, e), entry, self._view)
        dialog.open()
        return dialog

    def delete(self, entry: E | None, confirm: Confirm) -> None:
        if entry is None:
            return
        question = f"Delete the {self._noun} '{entry.name}'? {self._kept}"
        if not confirm(self._view, f"Delete {self._noun}", question):
            return
        try:
            self._remove(entry.name)
        except ConfigError as exc:
            self._message.show_error(str(exc))
            return
        self._message.clear()
        self._refresh()
