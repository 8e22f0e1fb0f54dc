"""Accounts for facilitators and consultants: login, the workspace, sharing, branding, deletion.

Members never need an account: they keep answering by link and code. Each module here
takes the database session first and commits once, as assessments.py does; the web
views (web/auth/routes.py, web/workspace/routes.py) only call them, and every access check goes
through :mod:`selfcheck.accounts.access`.
"""
