"""The bundled app's entry point: the same ``main`` as the ``human-pretraining`` script."""

from human_pretraining.cli import main

raise SystemExit(main())
