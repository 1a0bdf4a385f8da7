"""Writing source files so that no crash, signal, full disk or second run can lose them.

Every source file a command writes (``references.bib`` for ``kcr add-ref``, a new
``claims/<id>.yaml`` for ``kcr new-claim``) goes through here:

* the new content goes to a temporary file in the same folder, is flushed and
  fsync'ed, then renamed over the original with :func:`os.replace` (atomic on
  POSIX: a reader or a crash sees the old file or the new one, never a part);
* read-modify-write runs under an exclusive ``fcntl.flock`` on a lock file next
  to the target (``.references.bib.lock``), so a second run waits, then reads
  the file the first one wrote;
* SIGINT/SIGTERM/SIGHUP are held back while the rename and its check run, so
  Ctrl-C lands before the write or after it, never in the middle;
* temporary files left by a killed run are removed by the next run that holds
  the lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _fault_pause(stage: str) -> None:
    """Fault-injection point for the kill-loop test (``KCR_TEST_WRITE_PAUSE=seconds``); a no-op otherwise.

    Widens the moments between the steps of a write so that a test which kills
    the process at random times lands inside them often.
    """
    pause = os.environ.get("KCR_TEST_WRITE_PAUSE")
    if pause:
        time.sleep(float(pause))


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove temporary files a killed run left next to ``path`` (call with the lock held)."""
    removed: list[Path] = []
    prefix = _temp_prefix(path)
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed
    for name in names:
        if name.startswith(prefix) and name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)
                removed.append(path.parent / name)
    return removed


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock for ``path`` (waiting for any other holder); clean stale temps."""
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits; released by the kernel if this process dies
        remove_stale_temps(path)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Defer SIGINT, SIGTERM and SIGHUP until the block is done (a no-op outside the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems cannot fsync a folder
        pass
    finally:
        os.close(fd)


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_temp(path: Path, data: bytes, mode: int) -> Path:
    fd, name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            view = memoryview(data)
            while view:
                written = fh.write(view[:1 << 16])
                view = view[written:]
                _fault_pause("write")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def replace(path: Path, data: bytes, check: Callable[[Path], None] | None = None) -> None:
    """Atomically replace ``path`` with ``data`` (hold :func:`locked` for read-modify-write).

    ``check(temp_path)`` may raise to refuse the new content before it replaces
    the original; the temporary file is then removed and ``path`` is untouched.
    """
    tmp = _write_temp(path, data, _mode_for(path))
    try:
        _fault_pause("written")
        if check is not None:
            check(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fault_pause("replaced")
    _fsync_dir(path.parent)


def create(path: Path, data: bytes) -> None:
    """Write a new file atomically; FileExistsError if ``path`` exists (never overwrites)."""
    tmp = _write_temp(path, data, _mode_for(path))
    try:
        os.link(tmp, path)  # atomic, and fails if the name is taken (even by a concurrent run)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def is_no_space(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
