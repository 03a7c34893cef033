"""Run code as if on Windows, as far as Python's POSIX-only names go: a check without a Windows machine.

Windows' Python has no ``fcntl``, ``termios``, ``tty``, ``pty``, ``pwd``, ``grp`` or ``resource``,
no ``signal.SIGHUP`` (nor ``SIGALRM``, ``SIGQUIT``, ``SIGUSR1``...), no ``os.O_NOFOLLOW`` or
``os.O_NONBLOCK``, no ``os.getuid``, ``os.fork`` or ``os.mkfifo``. Code that uses one of them
unguarded fails there at import or at the first save. ``run_as_windows(code)`` runs ``code`` in
a fresh Python where those modules cannot be imported and those attributes are gone, so such
code fails here too (``ImportError``/``AttributeError``, a traceback in the output).

What it cannot show: behaviour that differs on Windows for the same call (``os.replace`` over
an open file, folder fsync, ACLs instead of modes). Those fallbacks are written and documented
in ``seeds_tui/storage/atomic.py`` and docs/reliability.md.

Used by the store's tests (``tests/reliability/test_windows_fallbacks.py``) and meant for the
app's tests too: ``run_as_windows("from seeds_tui.tui.app import create_app ...")``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Modules that Windows' Python does not have.
POSIX_MODULES = ("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "posix_ipc")

#: Attributes that Windows' Python does not have, by module.
POSIX_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "os": (
        "O_NOFOLLOW", "O_NONBLOCK", "O_DIRECTORY", "O_NOCTTY", "O_SYNC", "O_DSYNC",
        "getuid", "geteuid", "getgid", "getegid", "getgroups", "getpgid", "getpgrp", "setsid", "killpg",
        "fork", "forkpty", "mkfifo", "mknod", "fchmod", "fchown", "chown", "lchown", "statvfs", "fstatvfs",
        "sync", "fdatasync", "ttyname", "openpty", "sched_getaffinity",
    ),
    "signal": (
        "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGPIPE", "SIGTSTP", "SIGCONT",
        "SIGWINCH", "SIGTTIN", "SIGTTOU", "SIGKILL", "setitimer", "getitimer", "ITIMER_REAL", "alarm", "pause",
        "pthread_kill", "pthread_sigmask", "siginterrupt", "sigwait",
    ),
}  # fmt: skip

#: Libraries that choose their own platform module by ``sys.platform`` at import (on Windows they load
#: their Windows module, which cannot run here: platformdirs' Windows folders, filelock's msvcrt lock,
#: Textual's terminal driver, which every ``App()`` picks even when a test runs it headless):
#: imported before the names are hidden, so they keep their POSIX module and our code is what is checked.
#: Textual's driver only for runs of the app (``run_as_windows(..., app=True)``): importing Textual
#: costs the command-line runs a second each.
CHOOSE_THEIR_OWN = ("platformdirs", "filelock")
APP_CHOOSES_ITS_OWN = ("textual.drivers.linux_driver",)


#: Source run first in the child: imports ``CHOOSE_THEIR_OWN`` whole (every submodule), hides the
#: modules and attributes, then gives those libraries a full copy of ``os`` and ``signal`` (their
#: POSIX module needs them); everything else, seeds_tui included, sees the Windows-like view.
def _prelude(libraries: tuple[str, ...]) -> str:
    return f"""
import importlib, importlib.abc, os, pkgutil, signal, sys, types
for _library in {libraries!r}:
    _package = importlib.import_module(_library)
    for _info in pkgutil.walk_packages(getattr(_package, "__path__", []), _library + "."):
        try:
            importlib.import_module(_info.name)
        except Exception:
            pass  # their Windows-only modules
_full = {{}}
for _name in ("os", "signal"):
    _full[_name] = types.ModuleType(_name)
    _full[_name].__dict__.update(vars(sys.modules[_name]))
_HIDDEN = {POSIX_MODULES!r}
class _NoPosix(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in _HIDDEN:
            raise ModuleNotFoundError(f"No module named {{name!r}} (hidden: as on Windows)", name=name)
        return None
sys.meta_path.insert(0, _NoPosix())
for _name in _HIDDEN:
    sys.modules.pop(_name, None)
for _module, _names in {POSIX_ATTRIBUTES!r}.items():
    _mod = sys.modules.get(_module) or __import__(_module)
    for _attr in _names:
        if hasattr(_mod, _attr):
            delattr(_mod, _attr)
for _name, _loaded in list(sys.modules.items()):
    if any(_name == _own or _name.startswith(_own + ".") for _own in {libraries!r}):
        for _alias, _value in list(vars(_loaded).items()):
            for _plain in ("os", "signal"):
                if _value is sys.modules[_plain]:
                    setattr(_loaded, _alias, _full[_plain])
del _module, _names, _mod, _attr, _name, _library, _package, _loaded, _alias, _value, _plain
"""


PRELUDE = _prelude(CHOOSE_THEIR_OWN)


def run_as_windows(
    code: str, *, timeout: float = 120, env: dict[str, str] | None = None, app: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (dedented) in a fresh Python with the POSIX-only names hidden; return the finished process."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "tests"), environment.get("PYTHONPATH", "")])
    environment.update(env or {})
    source = _prelude(CHOOSE_THEIR_OWN + (APP_CHOOSES_ITS_OWN if app else ())) + "\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=timeout, env=environment, check=False)


def cli_as_windows(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``seeds-tui ARGS`` with the POSIX-only names hidden (exit code, stdout and stderr as the CLI gives them)."""
    code = f"import sys\nfrom seeds_tui.cli import main\nsys.exit(main({list(args)!r}))\n"
    return run_as_windows(code, timeout=timeout, env=env)
