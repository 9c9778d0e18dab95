"""One module per main view; the window shows them in this order."""
