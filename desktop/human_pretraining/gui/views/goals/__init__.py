"""The Goals & tasks view, with the tables and dialogs for tasks and goals."""
