"""The auth area: its routes and forms."""
