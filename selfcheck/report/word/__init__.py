"""The Word report's parts: the document writer and the charts as pictures (report/docx.py)."""
