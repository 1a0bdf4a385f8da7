"""Work done in a forked copy of this process, its result handed back as JSON.

MkDocs 1.6 renders a site's pages one after another, on one core.  A full
build of a large review forks once the pages are read (kcr's MkDocs hook,
``on_env``): the copy shares everything the build has worked out so far
(pages, navigation, theme) without reading or pickling any of it, renders its
share of the pages while this process renders the rest, and hands back only
what this process needs to finish the build (which pages it wrote, the static
scan's findings, any warnings).

Nothing here knows about MkDocs.  The copy runs ``work`` and leaves with
:func:`os._exit` (no clean-up of this process's objects runs twice); anything it
raises, or its death, makes :meth:`Forked.result` raise :class:`ForkedError`, so
the build fails saying why instead of leaving pages out.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any


class ForkedError(Exception):
    """The forked copy failed, died or could not be started; the message says which, and why."""


class RefusedError(Exception):
    """Raised by ``work`` to fail with exactly its message (no exception name in front)."""


def available() -> bool:
    """True where a process can fork (not on Windows)."""
    return hasattr(os, "fork")


class Forked:
    """``work()`` run in a forked copy of this process; :meth:`result` waits for its return value."""

    def __init__(self, work: Callable[..., Any], *, progress: bool = False) -> None:
        """Fork; the copy runs ``work()``, or with ``progress``, ``work(say)``: ``say(line)`` sends a line of
        text that :meth:`next_line` reads here while the copy goes on."""
        read, write = os.pipe()
        told, tell = os.pipe() if progress else (-1, -1)
        with contextlib.suppress(OSError, ValueError):  # nothing buffered here is printed again by the copy
            sys.stdout.flush()
            sys.stderr.flush()
        gc.freeze()  # the objects made so far stay out of the copy's collections: fewer pages copied on write
        try:
            pid = os.fork()
        except OSError as exc:
            for fd in (read, write, told, tell):
                if fd >= 0:
                    os.close(fd)
            gc.unfreeze()
            raise ForkedError(f"could not start a second process: {exc}") from None
        if pid == 0:  # pragma: no cover - the copy (coverage is not collected in it)
            os.close(read)
            if told >= 0:
                os.close(told)
            _child(work, write, tell)
        gc.unfreeze()
        os.close(write)
        if tell >= 0:
            os.close(tell)
        self.pid = pid
        self._read = read
        self._told = os.fdopen(told, "r", encoding="utf-8", newline="\n") if told >= 0 else None
        self._taken = False  # result() was called
        self._reaped = False  # the copy has been waited for

    def next_line(self) -> str | None:
        """The copy's next line (waiting for it), or None once it has said all it will (it is done, or died)."""
        if self._told is None:
            return None
        line = self._told.readline()
        if line.endswith("\n"):
            return line[:-1]
        self._told.close()  # the end, or a line cut short by the copy's death
        self._told = None
        return None

    def result(self) -> Any:
        """Wait for the copy; what ``work()`` returned, or :class:`ForkedError`."""
        if self._taken:
            raise ForkedError("the result was already taken")
        self._taken = True
        while self.next_line() is not None:  # lines not read yet: the copy may be waiting to send them
            pass
        with os.fdopen(self._read, "rb") as fh:
            data = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self._reaped = True
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            raise ForkedError(f"the second process was stopped by {name} (out of memory, or killed)")
        try:
            answer = json.loads(data)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or ("ok" not in answer and "error" not in answer):
            raise ForkedError(f"the second process ended (exit status {os.WEXITSTATUS(status)}) without a result")
        if "error" in answer:
            raise ForkedError(str(answer["error"]))
        return answer["ok"]

    def cancel(self) -> None:
        """Stop the copy (the build it helps failed) and wait for it."""
        if self._reaped:
            return
        self._reaped = True
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGTERM)
        if not self._taken:
            self._taken = True
            with contextlib.suppress(OSError):
                os.close(self._read)
        if self._told is not None:
            with contextlib.suppress(OSError):
                self._told.close()
            self._told = None
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _child(work: Callable[..., Any], write: int, tell: int) -> None:  # pragma: no cover - runs in the copy
    code = 0
    # Ctrl-C stops the copy outright: a KeyboardInterrupt must never carry it back into the caller's code
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        try:
            if tell >= 0:
                payload: dict[str, Any] = {"ok": work(lambda line: _write_all(tell, (line + "\n").encode("utf-8")))}
            else:
                payload = {"ok": work()}
        except BaseException as exc:  # every failure is the result: the parent raises it
            what = " ".join(str(exc).split()) or type(exc).__name__
            payload = {"error": what if isinstance(exc, RefusedError) else f"{type(exc).__name__}: {what}",
                       "trace": traceback.format_exc()}
            code = 1
        if tell >= 0:
            os.close(tell)  # all said: the parent reads the result next
        _write_all(write, json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    except BaseException:  # nothing may escape the copy into the parent's code
        code = 2
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
