"""The Badges view."""
