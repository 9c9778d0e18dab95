"""The local HTTP endpoint the browser extension talks to (Flask, served by waitress).

Bound to loopback, every write behind a paired token, Host and Origin checked on
every request: see ``guard.py`` for the security model and ``shared/openapi.json``
for the contract.
"""
