"""Human Pretraining: set your own reward model and let your computer keep it.

Focused work, learning and output earn points; distraction costs them; points
buy rewards the user defines. See ARCHITECTURE.md for the layers.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("human-pretraining")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
