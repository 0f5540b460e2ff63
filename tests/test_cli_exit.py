"""The command line's exit: quick (no teardown of the interpreter), yet complete."""

from __future__ import annotations

import subprocess
import sys

RUN = ("import atexit, sys\n"
       "atexit.register(lambda: print('exit handler ran', file=sys.stderr))\n"
       "from amif_search.cli import run\n"
       "sys.argv = ['amif-search', *sys.argv[1:]]\n"
       "run()\n")


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN, *argv], capture_output=True, text=True)


def test_the_exit_code_output_and_exit_handlers_survive_the_quick_exit(built_index):
    done = _run("search", "trauma barn", "--index", str(built_index), "--json")
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith("}")  # the whole JSON document was flushed
    assert "exit handler ran" in done.stderr
    done = _run("search", "zzzxyq", "--index", str(built_index))
    assert done.returncode == 1 and "exit handler ran" in done.stderr


def test_a_usage_error_still_exits_with_2():
    done = _run("search", "--limit", "0", "x")
    assert done.returncode == 2 and "exit handler ran" in done.stderr


def test_a_running_thread_gets_the_ordinary_exit():
    code = ("import sys, threading, time\n"
            "from amif_search.cli import _exit\n"
            "done = []\n"
            "thread = threading.Thread(target=lambda: (time.sleep(0.3), done.append(1), print('thread done')))\n"
            "thread.start()\n"
            "_exit(0)\n")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert finished.returncode == 0 and "thread done" in finished.stdout
