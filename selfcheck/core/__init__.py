"""The pure core: content, scoring and presentation, with no Flask, SQLAlchemy or WeasyPrint.

Everything here takes plain values and returns frozen results, so it is tested without an
app, a database or a PDF, and every number is exact (exact.py). docs/architecture.md says
what may import what; tests/test_architecture.py holds the line.
"""
