"""Reports: the team's and the chain's PDF, built from the export document, never the database.

render.py holds what every report shares (the Jinja environment, the safe fetcher, fonts,
HTML to PDF); cache.py keeps rendered PDFs; pool.py renders them off the web threads.
"""
