"""``python -m human_pretraining``: the same command line as the ``human-pretraining`` script.

Autostart uses this form when the app runs from a source tree that has no
console script (see :mod:`human_pretraining.autostart.command`).
"""

from human_pretraining.cli import main

raise SystemExit(main())
