"""The configuration layer's public entry points, in one import.

* :func:`parse_config` turns the text of ``config.toml`` into a validated
  :class:`~human_pretraining.core.model.Config` (see :mod:`.parse`);
* :class:`ConfigFile` loads, reloads and safely rewrites the file on disk
  (see :mod:`.file`, with the text editing in :mod:`.edit` and line finding in
  :mod:`.layout`);
* :class:`ConfigError` is the one error they raise (see :mod:`.errors`).
"""

from __future__ import annotations

from human_pretraining.config.errors import ConfigError
from human_pretraining.config.file import ConfigFile, default_config_text
from human_pretraining.config.parse import config_from_data, parse_config

__all__ = [
    "ConfigError",
    "ConfigFile",
    "config_from_data",
    "default_config_text",
    "parse_config",
]
