"""The workspace area: its routes and forms."""
