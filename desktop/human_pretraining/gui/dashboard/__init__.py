"""The dashboard's parts, one widget per module; ``gui/views/dashboard.py`` lays them out."""
