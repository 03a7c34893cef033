"""Run code as if on Windows, as far as Python's POSIX-only names go: a check without a Windows machine.

Windows' Python has no ``fcntl``, ``termios``, ``tty``, ``pty``, ``pwd``, ``grp`` or ``resource``,
no ``signal.SIGHUP`` (nor ``SIGALRM``, ``SIGQUIT``, ``SIGUSR1``...), no ``os.O_NOFOLLOW`` or
``os.O_NONBLOCK``, no ``os.getuid``, ``os.fork`` or ``os.mkfifo``. Code that uses one of them
unguarded fails there at import or at the first save. ``run_as_windows(code)`` runs ``code`` in
a fresh Python where those modules cannot be imported and those attributes are gone, so such
code fails here too (``ImportError``/``AttributeError``, a traceback in the output).

Windows' ``select`` has no ``poll``/``epoll`` either (only ``select()``): those are hidden too, and
``selectors.DefaultSelector`` is its ``SelectSelector`` there. Where our code itself branches on the
platform (``seeds_tui.storage.atomic._WINDOWS``, from ``os.name``), the Windows branch is taken.

What it cannot show: behaviour that differs on Windows for the same call (``os.replace`` over
an open file, folder fsync, ACLs instead of modes). Those fallbacks are written and documented
in ``seeds_tui/storage/atomic.py`` and docs/reliability.md.

Used by the store's tests (``tests/reliability/test_windows_fallbacks.py``) and the app's:
``run_as_windows("from seeds_tui.tui.app import create_app ...", app=True)``. ``windows_site(folder)``
writes the same as a ``sitecustomize.py`` and gives the environment that loads it, so that every
Python a command starts (``seeds-tui serve`` and each app it runs for a browser tab) sees the
Windows-like view too.
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
    "select": (
        "poll", "epoll", "devpoll", "kqueue", "kevent",
        "POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDHUP", "POLLMSG",
        "EPOLLIN", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", "EPOLLET",
    ),
    "signal": (
        "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGPIPE", "SIGTSTP", "SIGCONT",
        "SIGWINCH", "SIGTTIN", "SIGTTOU", "SIGKILL", "setitimer", "getitimer", "ITIMER_REAL", "alarm", "pause",
        "pthread_kill", "pthread_sigmask", "siginterrupt", "sigwait",
    ),
}  # fmt: skip

#: Libraries that choose their own platform module by ``sys.platform`` at import (on Windows they load
#: their Windows module, which cannot run here: platformdirs' Windows folders, filelock's msvcrt lock,
#: asyncio's Windows event loop and subprocess's Windows process calls,
#: Textual's terminal driver, which every ``App()`` picks even when a test runs it headless):
#: imported before the names are hidden, so they keep their POSIX module and our code is what is checked.
#: Textual's driver only for runs of the app (``run_as_windows(..., app=True)``): importing Textual
#: costs the command-line runs a second each.
CHOOSE_THEIR_OWN = ("platformdirs", "filelock", "asyncio", "subprocess")
APP_CHOOSES_ITS_OWN = ("textual.drivers.linux_driver",)
#: A served app (``seeds-tui serve``): Textual's web driver and its input reader (Windows has its own).
SERVED_CHOOSES_ITS_OWN = ("textual.drivers.web_driver", "textual.drivers._input_reader")


#: Source run first in the child: imports ``CHOOSE_THEIR_OWN`` whole (every submodule), hides the
#: modules and attributes, then gives those libraries a full copy of ``os`` and ``signal`` (their
#: POSIX module needs them); everything else, seeds_tui included, sees the Windows-like view.
def _prelude(libraries: tuple[str, ...]) -> str:
    return f"""
import importlib, importlib.abc, os, pkgutil, select, selectors, signal, subprocess, sys, types
# Windows' selectors and subprocess use select() (no poll there): chosen before poll is hidden.
selectors.DefaultSelector = selectors.SelectSelector
subprocess._PopenSelector = selectors.SelectSelector
for _library in {libraries!r}:
    _package = importlib.import_module(_library)
    for _info in pkgutil.walk_packages(getattr(_package, "__path__", []), _library + "."):
        try:
            importlib.import_module(_info.name)
        except Exception:
            pass  # their Windows-only modules
_full = {{}}
for _name in ("os", "signal", "select"):
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
            for _plain in ("os", "signal", "select"):
                if _value is sys.modules[_plain]:
                    setattr(_loaded, _alias, _full[_plain])
del _module, _names, _mod, _attr, _name, _library, _package, _loaded, _alias, _value, _plain
import seeds_tui.storage.atomic as _atomic  # our own platform branches: the Windows ones
_atomic._WINDOWS = True
del _atomic
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


def windows_site(folder: Path, *, served: bool = True) -> dict[str, str]:
    """Write ``folder/sitecustomize.py`` hiding the POSIX-only names; the environment that makes every Python load it.

    Every Python process started with that environment (a command, and any Python it starts in
    turn) runs with the Windows-like view from its first line: for ``seeds-tui serve``, the server
    and each app it starts for a browser tab.
    """
    folder.mkdir(parents=True, exist_ok=True)
    libraries = CHOOSE_THEIR_OWN + (SERVED_CHOOSES_ITS_OWN if served else ())
    # Each process that loaded it notes its id and whether fcntl really is gone (the test checks both).
    note = f"""
try:
    import fcntl
except ImportError:
    _hidden = "hidden"
else:
    _hidden = "VISIBLE"
with open({str(folder / "loaded.txt")!r}, "a", encoding="utf-8") as _note:
    _note.write(f"{{os.getpid()}} {{_hidden}} {{hasattr(signal, 'SIGHUP')}} {{hasattr(select, 'poll')}}\\n")
del _note, _hidden
"""
    (folder / "sitecustomize.py").write_text(_prelude(libraries) + note, encoding="utf-8")
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(folder), str(REPO), environment.get("PYTHONPATH", "")])
    return environment


def cli_as_windows(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``seeds-tui ARGS`` with the POSIX-only names hidden (exit code, stdout and stderr as the CLI gives them)."""
    code = f"import sys\nfrom seeds_tui.cli import main\nsys.exit(main({list(args)!r}))\n"
    return run_as_windows(code, timeout=timeout, env=env)
