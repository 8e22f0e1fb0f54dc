"""File formats: the team's and the organisation's JSON documents, CSV and XLSX tables.

Reading a file validates it and reports every problem with its key path (problems.py);
nothing here touches the database.
"""

#: What ``selfcheck export --format`` and the facilitator's download buttons offer.
FORMATS = ("json", "csv", "xlsx")
#: The CSV tables: every answer, or the results per theme.
TABLES = ("answers", "results")

JSON = "application/json"
CSV = "text/csv"  # Flask adds "; charset=utf-8" to text types
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
