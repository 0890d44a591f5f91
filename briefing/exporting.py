"""Briefing exports in a separate, long-lived process, so an export never competes with the GUI for the GIL.

Measured here: a PDF export on a thread of the GUI process held the interpreter for 100–200 ms at a
time (reportlab layout, font subsetting, pypdf), freezing the event loop that long. In a child
process the GUI thread only waits on a pipe. The child keeps its imports, its open database and the
chart cache between jobs, so a re-export costs what it costs in-process.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ExportJob:
    """Everything the child needs, as plain values: which database, audience, format and file."""

    db_url: str
    audience: str
    fmt: str
    path: str
    author: str = ""
    # A working selection exported (or previewed) without saving it: the template to use instead.
    template: dict[str, Any] | None = None
    report: str = ""  # the report whose audience this is ("": the database's default report)


@dataclass(frozen=True)
class ExportOutcome:
    path: str
    format: str
    size: int
    warnings: tuple[str, ...]
    seconds: float


def run_job(job: ExportJob, progress: Progress | None = None,
            cancelled: Callable[[], bool] = lambda: False) -> ExportOutcome:
    """Compose and write one briefing in this process (what the child runs; also the in-process fallback)."""
    from briefing.compose import compose
    from briefing.writers import ExportCancelled, WriteOptions, export

    service = _service(job.db_url)
    if job.report:
        service.use_report(job.report, remember=False)
    if progress:
        progress(0.02, "Gathering findings…")
    doc = compose(service, job.audience, author=job.author, template=job.template)
    if cancelled():
        raise ExportCancelled("export cancelled")
    result = export(
        doc,
        job.fmt,
        job.path,
        WriteOptions(cancelled=cancelled),
        progress=(lambda f, m: progress(0.05 + 0.95 * f, m)) if progress else None,
    )
    return ExportOutcome(str(result.path), result.format, result.size, tuple(result.warnings), result.seconds)


# ---- Child side
_services: dict[str, Any] = {}
_progress_q: Any = None
_cancel_ev: Any = None


def _service(db_url: str) -> Any:
    svc = _services.get(db_url)
    if svc is None:
        from briefing.services import open_service

        svc = _services[db_url] = open_service(db_url, seed=False)
    return svc


def _child_init(progress_q: Any, cancel_ev: Any) -> None:
    global _progress_q, _cancel_ev
    _progress_q, _cancel_ev = progress_q, cancel_ev
    # Ctrl+C in the terminal reaches the whole process group; the app decides how to stop (it
    # cancels and shuts this process down), so the child must not die mid-write with a traceback.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _child_warm() -> bool:
    # Pay for the heavy imports before the user's first export asks for them.
    import briefing.charts
    import briefing.compose  # noqa: F401
    from briefing.writers import get_writer

    get_writer("pdf")
    get_writer("docx")
    return True


_JOB_DONE = "job done"


def _child_run(job: ExportJob) -> ExportOutcome:
    def progress(fraction: float, message: str) -> None:
        _progress_q.put((fraction, message))

    try:
        return run_job(job, progress, _cancel_ev.is_set)
    finally:
        # The queue's feeder thread may still hold the last messages when the result goes back on
        # another pipe: this marker tells the caller it has seen them all.
        _progress_q.put(_JOB_DONE)


# ---- Parent side
class ExportProcess:
    """One child process, started on first use (or by warm()), running one export at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._ctx = multiprocessing.get_context("spawn")
        self._executor: ProcessPoolExecutor | None = None
        self._progress_q: Any = None
        self._cancel_ev: Any = None
        self._closed = False

    # ---- Public API
    def warm(self) -> None:
        """Start the child and load the writers in it; returns when it is ready."""
        with self._lock:
            self._ensure().submit(_child_warm).result()

    def run(self, job: ExportJob, progress: Progress | None = None,
            cancelled: Callable[[], bool] = lambda: False) -> ExportOutcome:
        """Run `job` in the child, relaying its progress; `cancelled` is polled and forwarded.

        Errors raised in the child (ExportError, ExportCancelled, ValidationError, ...) are raised here.
        """
        with self._lock:
            executor = self._ensure()
            self._cancel_ev.clear()
            if cancelled():  # cancelled before it started: the child stops at its first check
                self._cancel_ev.set()
            future: Future[ExportOutcome] = executor.submit(_child_run, job)
            while True:
                try:
                    outcome = future.result(timeout=0.05)
                    break
                except FutureTimeout:
                    pass
                except BaseException:
                    self._drain(progress, until_done=True)
                    raise
                self._drain(progress)
                if cancelled():
                    self._cancel_ev.set()
            self._drain(progress, until_done=True)
            return outcome

    def shutdown(self) -> None:
        with self._state_lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            if self._cancel_ev is not None:
                self._cancel_ev.set()
            executor.shutdown(wait=True, cancel_futures=True)

    @property
    def started(self) -> bool:
        return self._executor is not None

    # ---- Internals
    def _ensure(self) -> ProcessPoolExecutor:
        with self._state_lock:
            if self._closed:
                raise RuntimeError("the export process has been shut down")
            if self._executor is None:
                self._progress_q = self._ctx.Queue()
                self._cancel_ev = self._ctx.Event()
                self._executor = ProcessPoolExecutor(
                    max_workers=1, mp_context=self._ctx, initializer=_child_init,
                    initargs=(self._progress_q, self._cancel_ev),
                )
            return self._executor

    def _drain(self, progress: Progress | None, until_done: bool = False) -> None:
        """Relay what the child has said; `until_done`: everything up to its end-of-job marker
        (a child that died says nothing more: give up after a few seconds)."""
        while True:
            try:
                item = self._progress_q.get(timeout=5.0) if until_done else self._progress_q.get_nowait()
            except queue.Empty:
                return
            if item == _JOB_DONE:
                if until_done:
                    return
                continue
            fraction, message = item
            if progress is not None:
                try:
                    progress(fraction, message)
                except Exception:  # noqa: BLE001 - a cancelled token raises here; the poll loop sees it
                    if self._cancel_ev is not None:
                        self._cancel_ev.set()
