"""Authentication and browser security for the web app: passwords, second factor,
server-side sessions, CSRF tokens, login throttling and response headers.

Each rule cites OWASP ASVS 5.0 (level 2) or 45 CFR 164.312 (HIPAA technical safeguards).
"""
