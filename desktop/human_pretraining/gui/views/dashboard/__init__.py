"""The Dashboard view (``view``) and its parts, one widget per module."""
