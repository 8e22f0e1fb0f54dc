"""Run every benchmark, on SQLite (default) or on a throwaway PostgreSQL (`make bench
DB=postgres`), which is started here the way the tests start it (tests/servers.py) and
thrown away afterwards. Each benchmark gets fresh databases through BENCH_DATABASE_URL
(and BENCH_DATABASE_URL_LARGE for the one that needs a second)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SCRIPTS = ("bench_report.py", "bench_summary.py", "bench_docx.py", "bench_serve.py",
           "bench_scale.py",
           "bench_chain.py")


def main() -> int:
    database = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    if database not in ("sqlite", "postgres"):
        print(f"DB must be sqlite or postgres, not {database!r}")
        return 2
    server = None
    if database == "postgres":
        sys.path.insert(0, str(HERE.parent))
        from tests.servers import PostgresServer

        server = PostgresServer().start()
    failed = 0
    try:
        for script in SCRIPTS:
            env = dict(os.environ)
            if server is not None:
                env["BENCH_DATABASE_URL"] = server.url(server.create_database())
                env["BENCH_DATABASE_URL_LARGE"] = server.url(server.create_database())
            print(f"== {script} ({database})", flush=True)
            failed |= subprocess.run([sys.executable, str(HERE / script)], env=env).returncode
    finally:
        if server is not None:
            server.stop()
    return failed


if __name__ == "__main__":
    sys.exit(main())
