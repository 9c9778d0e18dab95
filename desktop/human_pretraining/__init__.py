"""Human Pretraining: set your own reward model and let your computer keep it.

Focused work, learning and output earn points; distraction costs them; points
buy rewards the user defines. See ARCHITECTURE.md for the layers.
"""

# pyproject.toml's version, written out: asking importlib.metadata costs about
# 50 ms at every start. tests/test_packaging.py checks the two agree.
__version__ = "0.1.0"
