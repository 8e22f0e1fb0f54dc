"""The answer area: its routes and forms."""
