"""Benchmarks against real servers (run with `make bench`): the member's step page, 50
members pressing Next at once, and the step page while 12 PDFs are rendered.

Both sides of every ratio run under the settings of `selfcheck serve` (gunicorn, 2 workers
with 16 threads each) and alternate (bench/pairs.py). Load comes from wrk (Debian) for
throughput and from Python threads for latencies. Goals (issue 14):

* step_get_ratio  = app GET throughput / bare Flask route with the same bytes   >= 0.25
* step_post_ratio = app POST (a valid step) throughput / bare route             >= 0.4
* next_50: 0 answers lost, p99 < 300 ms
* step_p99_under_pdfs = step p99 while 12 PDFs are requested / with none        <= 2

BENCH_ONLY=pdfs runs only the last; BENCH_VERBOSE=1 prints each round's latencies.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from httpclient import Browser, free_port, wait_for  # noqa: E402
from pairs import Ratio, alternate  # noqa: E402

BIN = Path(sys.executable).parent
PAIRS = 5
WRK_SECONDS = 3


def start(command: list[str], env: dict, url: str) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for(url)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def wrk(url: str, script: Path | None = None) -> float:
    """Requests per second over WRK_SECONDS with 2 threads and 8 connections."""
    command = ["wrk", "-t2", "-c8", f"-d{WRK_SECONDS}s", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def lua_post(path: Path, body: str, cookie: str) -> Path:
    escaped = body.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f'wrk.method = "POST"\nwrk.body = "{escaped}"\n'
                    f'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                    f'wrk.headers["Cookie"] = "{cookie}"\n')
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is missing: `make bench` installs Debian's wrk")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="selfcheck-bench-serve-"))
    processes = []
    try:
        database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'serve.sqlite'}"
        env = {**os.environ, "SELFCHECK_DATABASE_URL": database,
               "SELFCHECK_SECRET_KEY": "bench-secret", "SELFCHECK_REPORT_CACHE_DIR":
               str(folder / "cache"), "SELFCHECK_SIGNUP": "closed",
               # one machine: the counters may live in each process (a warning, not an error)
               "SELFCHECK_RATELIMIT_STORAGE": "memory://"}
        subprocess.run([BIN / "selfcheck", "db", "upgrade"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        demo = subprocess.run([BIN / "selfcheck", "demo"], env=env, check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()
        facilitator_path = demo[-1]
        join_path = next(line.split(": ", 1)[1] for line in demo
                         if line.startswith("Join link for more members"))
        app_port, bare_port = free_port(), free_port()
        app_url = f"http://127.0.0.1:{app_port}"
        processes.append(start([BIN / "selfcheck", "serve", "--port", str(app_port)], env,
                               app_url + "/"))

        member = Browser(app_url)
        _status, _html, headers = member.post_form(join_path, join_path,
                                                   {"display_name": "Måler"})
        resume = headers["Location"].split("/p/", 1)[1].rstrip("/")
        step = f"/p/{resume}/step/1"
        _status, step_html, _ = member.get(step)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                          step_html).group(1)
        questions = sorted(set(re.findall(r'name="(q_[^"]+)"', step_html)))
        post_body = "&".join([f"csrf_token={token}", *(f"{q}=4" for q in questions),
                              "comment=", "nav=next"])
        (folder / "step.html").write_text(step_html, encoding="utf-8")
        bare_env = {**env, "BARE_HTML": str(folder / "step.html")}
        processes.append(start([BIN / "gunicorn", "-w", "2", "--worker-class", "gthread",
                                "--threads", "16", "--max-requests", "1000",
                                "--max-requests-jitter", "100", "--access-logfile", "-",
                                "-b", f"127.0.0.1:{bare_port}", "--chdir", str(HERE),
                                "bare_app:app"], bare_env, f"http://127.0.0.1:{bare_port}/"))
        bare_url = f"http://127.0.0.1:{bare_port}/"
        script = lua_post(folder / "post.lua", post_body, member.cookie_header())
        cookie_get = lua_get(folder / "get.lua", member.cookie_header())

        only_pdfs = os.environ.get("BENCH_ONLY") == "pdfs"
        if only_pdfs:
            under_pdfs(app_url, step, member, facilitator_path, folder / "cache")
            return 0
        get_ratio = Ratio("step_get_ratio", alternate(
            lambda: wrk(bare_url, cookie_get), lambda: wrk(app_url + step, cookie_get),
            pairs=PAIRS, warmup=0), ">= 0.25")
        post_ratio = Ratio("step_post_ratio", alternate(
            lambda: wrk(bare_url, script), lambda: wrk(app_url + step, script),
            pairs=PAIRS, warmup=0), ">= 0.4")
        print(f"step page: {len(step_html)} bytes, wrk 2 threads × 8 connections, "
              f"{WRK_SECONDS} s per side")
        print(get_ratio.line())
        print(post_ratio.line())

        next_50(app_url, join_path, database)
        under_pdfs(app_url, step, member, facilitator_path, folder / "cache")
        return 0
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def lua_get(path: Path, cookie: str) -> Path:
    path.write_text(f'wrk.headers["Cookie"] = "{cookie}"\n')
    return path


def next_50(app_url: str, join_path: str, database: str, rounds: int = 5) -> None:
    """50 members, each in its own browser, press Next on the same step at the same moment."""
    members = []
    for _ in range(50):
        browser = Browser(app_url)
        _s, _h, headers = browser.post_form(join_path, join_path,
                                            {"display_name": f"Medlem {len(members)}"})
        members.append((browser, headers["Location"].split("/p/", 1)[1].rstrip("/")))
    p99s, refused = [], 0
    for number in range(1, rounds + 1):
        forms = []
        for browser, resume in members:
            _s, html, _h = browser.get(f"/p/{resume}/step/{number}")
            token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                              html).group(1)
            questions = sorted(set(re.findall(r'name="(q_[^"]+)"', html)))
            forms.append((browser, f"/p/{resume}/step/{number}",
                          {"csrf_token": token, **{q: "3" for q in questions},
                           "comment": "", "nav": "next"}, len(questions)))
        barrier = threading.Barrier(len(forms))
        times: list[float] = []
        statuses: list[int] = []

        def press(browser, path, data, barrier=barrier, times=times, statuses=statuses):
            barrier.wait()
            start = time.perf_counter()
            status, _body, _h = browser.request(path, data)
            times.append(time.perf_counter() - start)
            statuses.append(status)

        threads = [threading.Thread(target=press, args=f[:3]) for f in forms]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        refused += sum(1 for status in statuses if status != 302)
        p99s.append(percentile(times, 0.99))
    lost = _lost_answers(database, rounds)
    print(f"next_50: {rounds} rounds of 50 members pressing Next at once; "
          f"{lost} answers lost, {refused} requests refused; p99 median "
          f"{statistics.median(p99s) * 1000:.0f} ms (spread {min(p99s) * 1000:.0f}–"
          f"{max(p99s) * 1000:.0f} ms; goal < 300 ms: "
          f"{'met' if lost == 0 and statistics.median(p99s) < 0.3 else 'NOT met'})")


def _lost_answers(database: str, rounds: int) -> int:
    """Answers missing for the 50 members: each should have answered the first ``rounds``
    recommendations completely."""
    from sqlalchemy import create_engine, text

    from selfcheck.core.content import load_questionnaire
    from selfcheck.resources import default_questions_file

    questionnaire = load_questionnaire(default_questions_file())
    per_member = sum(len(theme.questions) for theme in questionnaire.themes[:rounds])
    engine = create_engine(database)
    with engine.connect() as connection:
        counts = connection.execute(text(
            "SELECT participant.id, count(answer.id) FROM participant LEFT JOIN answer ON "
            "answer.participant_id = participant.id GROUP BY participant.id "
            "ORDER BY participant.id DESC LIMIT 50")).all()
    engine.dispose()
    return sum(per_member - count for _id, count in counts)


def under_pdfs(app_url: str, step: str, member: Browser, facilitator_path: str,
               cache: Path, pairs: int = 5) -> None:
    """The step page's p99 while 12 browsers ask for the same PDF at once, against its p99
    with nothing rendering (a new cache each time, so the PDF is rendered)."""
    def step_latencies(stop_event: threading.Event, minimum: int = 40) -> list[float]:
        times = []
        while not stop_event.is_set() or len(times) < minimum:
            start = time.perf_counter()
            member.get(step)
            times.append(time.perf_counter() - start)
        return times

    def idle() -> float:
        done = threading.Event()
        done.set()
        times = step_latencies(done)
        if os.environ.get("BENCH_VERBOSE"):
            print(f"  idle: p50 {percentile(times, 0.5) * 1000:.0f} ms, "
                  f"p99 {percentile(times, 0.99) * 1000:.0f} ms")
        return percentile(times, 0.99)

    def loaded() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        done = threading.Event()
        browsers = [Browser(app_url) for _ in range(12)]
        threads = [threading.Thread(target=b.get, args=(facilitator_path + "/report.pdf",))
                   for b in browsers]
        for thread in threads:
            thread.start()
        waiter = threading.Thread(target=lambda: ([t.join() for t in threads], done.set()))
        waiter.start()
        times = step_latencies(done, minimum=40)
        waiter.join()
        if os.environ.get("BENCH_VERBOSE"):
            print(f"  loaded: {len(times)} requests, p50 {percentile(times, 0.5) * 1000:.0f} ms,"
                  f" p99 {percentile(times, 0.99) * 1000:.0f} ms, max {max(times) * 1000:.0f}")
        return percentile(times, 0.99)

    ratio = Ratio("step_p99_under_pdfs", alternate(idle, loaded, pairs=pairs, warmup=1),
                  "<= 2")
    print(ratio.line())


if __name__ == "__main__":
    sys.exit(main())
