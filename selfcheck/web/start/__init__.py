"""The start area: its routes and forms."""
