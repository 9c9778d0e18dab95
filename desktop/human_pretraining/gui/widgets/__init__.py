"""Widgets several views share: message line, confirmation, lazy refresh, table cells and
the add/edit/remove frame for configuration entries (tasks, goals, rewards)."""
