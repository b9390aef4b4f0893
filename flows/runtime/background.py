"""Work started ahead in a daemon thread, for a result the flow needs later."""
from __future__ import annotations

import threading
from concurrent.futures import Future


def in_background(fn, *args) -> Future:
    """`fn(*args)` in a daemon thread (one that never delays the process's exit)."""
    future: Future = Future()

    def run():
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=run, name=getattr(fn, "__name__", "background"), daemon=True).start()
    return future


def result_or_none(future: Future, logger, what: str):
    """The future's result, or None (logged as a warning) if it failed: the caller does the work itself."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - the caller redoes it in the foreground
        logger.warning("%s ahead failed (%s: %s); doing it now", what, type(exc).__name__, exc)
        return None
