"""The Settings view (``view``) and its panels: pairing, general options, output folders,
data (export, delete all) and autostart."""
