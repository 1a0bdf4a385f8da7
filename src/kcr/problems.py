"""Problems found while loading or checking: one type, one message format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at a place in a file.

    Sorted by path, line, column, then message, so a run's report is stable.
    """

    path: str
    line: int
    col: int
    what: str
    todo: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.what} — {self.todo}"


class Problems(list):
    """A list of :class:`Problem` with a helper to add one."""

    def add(self, path: str, line: int, col: int, what: str, todo: str) -> None:
        self.append(Problem(path, max(1, line), max(1, col), what, todo))
