"""The mistakes a person can fix, whichever service raised them.

A surface shows each as one plain line (the CLI: ``error: …`` and exit status 2)
rather than a traceback; nothing was written when one is raised.
"""

from __future__ import annotations

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.ledger import PurchaseRefused
from human_pretraining.core.model import ValidationError
from human_pretraining.services.copy import CopyError
from human_pretraining.services.economy import AlreadyDone, NotFound
from human_pretraining.services.export_file import ExportError
from human_pretraining.store.database import DatabaseError, DiskFull

# The endpoint answers DiskFull with 507 and any other DatabaseError with 503.
__all__ = ["USER_ERRORS", "DatabaseError", "DiskFull"]

USER_ERRORS: tuple[type[Exception], ...] = (
    ConfigError,
    DatabaseError,  # the server named in database_url is unreachable or refuses
    ValidationError,
    NotFound,
    AlreadyDone,
    PurchaseRefused,
    CopyError,
    ExportError,  # where an export may not or cannot go
)
