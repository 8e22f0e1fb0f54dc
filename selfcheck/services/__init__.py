"""Services: what is stored. Each function takes the database session first and commits once.

Business rules that must hold wherever data enters (the web, the command line, an import)
are checked here, not in the views.
"""
