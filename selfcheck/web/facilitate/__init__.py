"""The facilitate area: its routes and forms."""
