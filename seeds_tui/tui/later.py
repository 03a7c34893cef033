"""A value built in a background thread, for a quick first frame (the store and the rubrics)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Later(Generic[T]):
    """A value built in a background thread after the first frame; ``get`` waits for it when needed sooner."""

    def __init__(self, value: T | Callable[[], T]) -> None:
        self._factory: Callable[[], T] | None = None
        self._value: T | None = None
        self._ready = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        if callable(value):
            self._factory = value
        else:
            self._value = value
            self._ready = True

    def start(self) -> None:
        """Start building it in the background (once)."""
        with self._lock:
            if self._ready or self._thread is not None or self._factory is None:
                return
            self._thread = threading.Thread(target=self._build, name="seeds-start", daemon=True)
            self._thread.start()

    def _build(self) -> None:
        assert self._factory is not None
        try:
            self._value = self._factory()
        except BaseException as exc:  # handed to whoever asks for the value
            self._error = exc
        self._ready = True

    def get(self) -> T:
        """The value (built now, or waited for, if it is not ready)."""
        if not self._ready:
            self.start()
            thread = self._thread
            if thread is not None:
                thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
