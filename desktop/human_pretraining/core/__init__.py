"""The pure domain: rules, timeline, scoring, ledger, goals and rewards.

Nothing in this package does I/O or imports Qt, Flask or SQLAlchemy; every
function takes plain values and returns plain values, so it is tested directly.
"""
