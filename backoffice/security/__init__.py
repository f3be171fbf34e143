"""Accounts and security: lockout responses, password reset views, mail settings.

Kept import-light: ``settings.py`` imports ``backoffice.security.mail`` before Django is set up.
"""
