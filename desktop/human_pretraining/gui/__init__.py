"""The PySide6 desktop client: a window (and a tray icon where a tray exists) over the services.

The only package that imports Qt. Views read through the services (``services/``)
and listen to :class:`~human_pretraining.gui.bridge.ServicesBridge` signals, which
turn the services' change notifications into Qt signals; nothing here computes
points or matches rules itself.
"""
