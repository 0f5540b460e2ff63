"""What the reliability tests share: synthetic pages, real CLI processes, and their measurements.

The reliability tests run the command line in real processes (``python -m amif_search``) so
that a kill, a lock or a memory bound is what a user would meet. Each process inherits the
test session's XDG folders (see conftest.py), so it signs and checks indexes with the same
key as the tests themselves.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "amif-so6-quota-refugee-placement.sv.txt"
# The start of every error line (the rest is in the interface language, so tests check facts
# such as paths and numbers in it rather than its wording).
ERROR_PREFIX = "amif-search: "


def synthetic_page(projects: Iterable, count: int, tag: str = "omgång") -> str:
    """A page of ``count`` projects in the published format, made from the real ones.

    Project ``n`` is a copy of a real project titled '<title> (<tag> n)', so its short name and
    therefore its ID are its own, and runs during one year between 2010 and 2021.
    """
    projects = list(projects)
    by_objective: dict = {}
    for n in range(count):
        project = projects[n % len(projects)]
        by_objective.setdefault(project.objective, []).append((n, project))
    lines = ["Syntetisk sida för tillförlitlighetstester", ""]
    for objective, items in by_objective.items():
        lines += [f"Nationellt mål {objective.code}: {objective.title}", ""]
        for n, project in items:
            year = 2010 + (n // len(projects)) % 12
            lines += [
                f"{project.title} ({tag} {n})", "",
                f" • Projektbeskrivning: {project.description}", "",
                f" • Projektgenomförare: {project.implementer}, Verksamhetsperiod: 1.1.{year} - 31.12.{year}, "
                f"EU-stöd: {project.eu_support} euro", "",
            ]
    return "\n".join(lines)


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: this session's, with the checkout importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.pop("AMIF_SEARCH_DEBUG", None)
    env.update(extra)
    return env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "amif_search", *map(str, args)]


def python_command(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *map(str, args)]


@dataclass
class Finished:
    """A child process that ended: its exit code, output, wall time and peak memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float

    def error_line(self) -> str:
        """The one error line on stderr, checked to be the only line there."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected one line on stderr, got {self.stderr!r}"
        assert lines[0].startswith(ERROR_PREFIX), lines[0]
        assert "Traceback" not in self.stderr
        assert self.returncode == 2, f"exit code {self.returncode} (3 is an internal error): {lines[0]}"
        return lines[0]


# The command runs as a child of this small launcher, which caps its memory and reports its
# peak. Measured from the test process itself it would not be the command's own: on Linux a
# child's ru_maxrss starts from the resident size of the process it was forked (or vforked)
# from, and the test process grows to hundreds of megabytes.
_LAUNCHER = """
import os, resource, sys
report, limit, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit << 20, limit << 20))
pid = os.fork()
if pid == 0:
    try:
        os.execv(command[0], command)
    finally:
        os._exit(127)
_pid, status, usage = os.wait4(pid, 0)
with open(report, "w") as out:
    out.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
if code < 0:
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def run(command: list[str], timeout: float = 120.0, env: dict | None = None,
        address_space_mb: int | None = None) -> Finished:
    """Run a command to its end; its peak memory is its own, not the session's.

    ``address_space_mb`` caps the child's memory, so that a runaway fails fast with a
    MemoryError instead of swapping the test machine to a halt.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as folder:
        report = os.path.join(folder, "maxrss")
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-c", _LAUNCHER, report, str(address_space_mb or 0), *command],
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env or cli_env(), cwd=ROOT,
                                   start_new_session=True)
        try:
            process.wait(timeout=max(timeout, 0.01))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        seconds = time.monotonic() - started
        try:
            with open(report, encoding="ascii") as peak:
                max_rss_kb = int(peak.read())
        except (OSError, ValueError):  # killed before it could say
            max_rss_kb = 0
        out.seek(0)
        err.seek(0)
        return Finished(process.returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"), seconds, max_rss_kb / 1024)


def run_cli(*args: str, timeout: float = 120.0, env: dict | None = None,
            address_space_mb: int | None = None) -> Finished:
    return run(cli_command(*args), timeout=timeout, env=env, address_space_mb=address_space_mb)


def start(command: list[str], env: dict | None = None) -> subprocess.Popen:
    """Start a child process whose output is kept in memory (read it with communicate())."""
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=env or cli_env(), cwd=ROOT, text=True)


def kill(process: subprocess.Popen) -> None:
    """kill -9 (unless it has ended), and reap it."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


def wait_for(condition: Callable[[], bool], timeout: float, process: subprocess.Popen | None = None,
             interval: float = 0.003) -> bool:
    """Poll ``condition`` until it holds; False after ``timeout`` or when ``process`` ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process is not None and process.poll() is not None:
            return condition()
        time.sleep(interval)
    return False


def live_name(index: Path) -> str:
    return (index / "CURRENT").read_text(encoding="utf-8").strip()


def generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("gen-*") if p.is_dir())


def temporary_files(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("*.tmp-*"))


def _stat(pid: int) -> list[str] | None:
    """State, parent, ... of a process from /proc (after its name, which may hold spaces)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return None


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == str(pid):
                found.append(int(entry.name))
    return found


def is_writer(pid: int) -> bool:
    """A process the build started to write a share of the projects."""
    try:
        return b"_writer_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def writing_processes() -> list[int]:
    """The writing processes this process started that are still running (none on other systems)."""
    if not sys.platform.startswith("linux"):
        return []
    return [pid for pid in children(os.getpid()) if is_writer(pid) and alive(pid)]
