"""Crash recovery: an ingest killed with SIGKILL in the middle of a file leaves a consistent
store, and the next run completes it with every record stored exactly once.

The ingest runs the real CLI in a subprocess on generated Frontex long-layout files (about
300,000 rows each, with disjoint contents, so the records of each file can be counted). It is
killed while it works on the second file: once the first file's transaction has committed and
before the second one has. DuckDB lets one process at a time open the store, so the test cannot
watch the store while the subprocess runs; on Linux it watches which data file the subprocess
has open (``/proc/<pid>/fd``): the ingest opens file k+1 only after file k's transaction has
committed. Elsewhere it kills after a fixed time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pycountry
import pytest

from flankwatch.sources.frontex import ROUTES
from flankwatch.store.duckdb import DuckDBStore

pytestmark = [pytest.mark.slow]

FILES = 3
ROWS = 300_000
NATIONALITIES = sorted(c.alpha_3 for c in pycountry.countries)
CLI = [sys.executable, "-c", "from flankwatch.cli.app import main; main()", "ingest"]


def write_frontex_file(path: Path, k: int, rows: int) -> None:
    """Rows ``route,type,nat,t,n`` whose keys (route, type, nationality, month) are unique
    within the file and across files: file k takes its own run of months."""
    per_month = len(ROUTES) * 2 * len(NATIONALITIES)
    first_month = 12 * 1900 + k * (rows // per_month + 1)
    lines = ["route,type,nat,t,n"]
    for i in range(rows):
        month, rest = divmod(i, per_month)
        route = ROUTES[rest // (2 * len(NATIONALITIES))]
        border = ("Sea", "Land")[(rest // len(NATIONALITIES)) % 2]
        m = first_month + month
        lines.append(f"{route},{border},{NATIONALITIES[rest % len(NATIONALITIES)]},"
                     f"{m // 12}-{m % 12 + 1:02d},{(i * 7919 + k) % 997 + 1}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def open_data_files(pid: int, files: list[Path]) -> set[int]:
    """Indexes of the data files the process has open (Linux)."""
    found: set[int] = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return found
    targets = {str(p): i for i, p in enumerate(files)}
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target in targets:
            found.add(targets[target])
    return found


def json_report(stdout: bytes) -> dict[str, Any]:
    """The ``--json`` report. DuckDB prints its own progress bar to stdout when a statement
    runs for more than 2 s (a busy machine): skip anything before the JSON document."""
    text = stdout.decode("utf-8", errors="replace")
    start = text.find("\n{") + 1 if not text.startswith("{") else 0
    report: dict[str, Any] = json.loads(text[start:])
    return report


def kill_during_second_file(proc: subprocess.Popen[bytes], files: list[Path]) -> None:
    linux = Path(f"/proc/{proc.pid}/fd").is_dir()
    started = time.monotonic()
    first_seen: float | None = None
    while proc.poll() is None:
        now = time.monotonic()
        if linux:
            seen = open_data_files(proc.pid, files)
            if 0 in seen and first_seen is None:
                first_seen = now
            if seen & set(range(1, len(files))):
                # File 1 is open, so file 0 has committed. Let file 1 get well into its work
                # (about 70 % of the time file 0 took) and kill it there.
                per_file = now - (first_seen if first_seen is not None else started)
                time.sleep(0.7 * per_file)
                break
        elif now - started > 8.0:
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.fail("the ingest finished before it could be killed: make the files bigger")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def test_ingest_killed_midway_leaves_a_consistent_store_and_resumes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    files = [data / f"ibc_part{k}.csv" for k in range(FILES)]
    for k, path in enumerate(files):
        write_frontex_file(path, k, ROWS)
    db = tmp_path / "store.duckdb"
    env = {**os.environ, "FLANKWATCH_DB": str(db)}
    proc = subprocess.Popen([*CLI, str(data), "--db", str(db), "--json"], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    kill_during_second_file(proc, files)

    # 1. The store opens, and holds exactly the files recorded as done.
    with DuckDBStore(db) as store:
        done = {str(p): (int(r), int(s)) for p, r, s in store.con.execute(
            "SELECT path, read, stored FROM ingest_files WHERE status = 'done'").fetchall()}
        per_file = dict(store.con.execute(
            "SELECT file, count(*) FROM observations GROUP BY file").fetchall())
        other = store.con.execute(
            "SELECT count(*) FROM ingest_files WHERE status <> 'done'").fetchone()
    assert str(files[0]) in done, "the kill came before the first file was committed"
    assert len(done) < FILES, "the kill came after the last file was committed"
    assert other == (0,)  # a file's bookkeeping row commits with its records, or not at all
    for name, (read, stored) in done.items():
        assert (read, stored) == (ROWS, ROWS)
        assert per_file.get(name) == ROWS, f"{name} is recorded as done but is incomplete"
    assert set(per_file) <= set(done), "records exist from a file without a done row"

    # 2. The next run completes the job: done files are all duplicates, the rest is stored.
    rerun = subprocess.run([*CLI, str(data), "--db", str(db), "--json"], cwd=tmp_path,
                           env=env, capture_output=True, timeout=600, check=False)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    report = json_report(rerun.stdout)
    total = report["total"]
    assert total["read"] == FILES * ROWS
    assert total["read"] == total["stored"] + total["duplicates"] + total["quarantined"]
    assert total["quarantined"] == 0
    assert total["duplicates"] == ROWS * len(done)
    assert total["stored"] == ROWS * (FILES - len(done))
    for f in report["files"]:
        assert f["status"] == "done"
        assert f["duplicates"] == (ROWS if f["path"] in done else 0)

    with DuckDBStore(db, read_only=True) as store:
        per_file = dict(store.con.execute(
            "SELECT file, count(*) FROM observations GROUP BY file").fetchall())
        distinct = store.con.execute("SELECT count(DISTINCT id), count(*) FROM observations"
                                     ).fetchone()
    assert per_file == {str(p): ROWS for p in files}
    assert distinct == (FILES * ROWS, FILES * ROWS)
