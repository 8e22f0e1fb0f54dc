"""The organisations area: its routes and forms."""
