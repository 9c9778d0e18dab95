"""The Settings view's panels: pairing, general options, output folders, data and autostart."""
