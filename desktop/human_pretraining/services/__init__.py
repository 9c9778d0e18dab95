"""Use cases over core, store and config, shared by every surface (CLI, API, GUI, monitor)."""
