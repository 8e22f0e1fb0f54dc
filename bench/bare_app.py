"""The floor for the step page: a bare Flask route returning the same HTML bytes.

Served by gunicorn with the settings of `selfcheck serve` (bench/bench_serve.py)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

app = Flask(__name__)
BODY = Path(os.environ["BARE_HTML"]).read_bytes()


@app.route("/", methods=["GET", "POST"])
def page():
    return Response(BODY, mimetype="text/html")
