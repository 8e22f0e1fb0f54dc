"""The workshop area: its routes and forms."""
