"""The report area: the "Rapport" page, its routes and forms."""
