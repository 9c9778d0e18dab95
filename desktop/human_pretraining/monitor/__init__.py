"""Automatic tracking on the desktop: the foreground app and idle time (per-OS probes),
the 1 Hz sampler that turns them into heartbeats, the output-folder watcher, and
live reload of the config file. Everything feeds ``services.ingest`` directly.
"""
