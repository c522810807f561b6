"""Scans in the window: a worker thread runs the session's scans, the status bar shows them.

The session keeps the scan queue (a drop during a scan waits its turn); this controller
only moves each scan onto its thread and turns its progress into signals and words.
"""

from __future__ import annotations

import multiprocessing

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressBar, QToolButton

from ksad_player.core.library.index import IndexUnavailable
from ksad_player.core.library.scanner import ScanPhase, ScanProblem, ScanProgress, ScanSummary
from ksad_player.core.session import ScanRequest, Session, SessionChange, SessionEvent


class ScanWorker(QObject):
    """Runs the session's scans on its own thread (the scan opens its own index)."""

    progress = Signal(object)  # ScanProgress
    problem = Signal(object)  # ScanProblem
    finished = Signal(object)  # ScanSummary
    failed = Signal(str)
    waiting = Signal(str)  # another process holds the library; this scan waits, saying so

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def _emit(self, event: ScanProgress | ScanProblem) -> None:
        (self.progress if isinstance(event, ScanProgress) else self.problem).emit(event)

    @Slot(object)
    def run(self, request: ScanRequest) -> None:
        try:
            self.finished.emit(self.session.run_scan(request, self._emit, self.waiting.emit))
        except IndexUnavailable as exc:  # busy, read-only, a full disk: said as it is
            self.failed.emit(str(exc))
        except Exception as exc:  # a scan must never take the window down
            self.failed.emit(f"{type(exc).__name__}: {exc}")


def scan_widgets() -> tuple[QProgressBar, QToolButton]:
    """The status bar's scan progress and its Cancel button, hidden until a scan runs."""
    progress = QProgressBar()
    progress.setObjectName("scan-progress")
    progress.setAccessibleName("Scan progress")
    progress.setMaximumWidth(220)
    cancel = QToolButton()
    cancel.setObjectName("cancel-scan")
    cancel.setText("Cancel")
    cancel.setAccessibleName("Cancel scan")
    return progress, cancel


class ScanController(QObject):
    """Starts the session's scans on a worker thread and reports them in the status bar."""

    say = Signal(str)
    start = Signal(object)  # ScanRequest, to the worker's thread

    def __init__(
        self, session: Session, progress: QProgressBar, cancel_button: QToolButton
    ) -> None:
        super().__init__()
        self.session = session
        self.progress_bar = progress
        self.cancel_button = cancel_button
        self.problems: list[ScanProblem] = []
        self.thread = QThread()
        self.thread.setObjectName("scan-thread")
        self.worker = ScanWorker(session)
        self.worker.moveToThread(self.thread)
        self.start.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.problem.connect(self._problem)
        self.worker.finished.connect(self._ended)
        self.worker.failed.connect(self._ended)
        self.worker.waiting.connect(self.say)
        cancel_button.clicked.connect(self.cancel)
        session.listeners.append(self._on_session)
        self.thread.start()

    def scan(self, request: ScanRequest) -> None:
        """Scan now, or after the scan under way."""
        if self.session.request_scan(request):
            self._run(request)

    def _problem(self, problem: ScanProblem) -> None:
        self.problems.append(problem)  # the list of this scan: `_run` starts a new one

    def _run(self, request: ScanRequest) -> None:
        self.problems = []
        self.progress_bar.setRange(0, 0)
        self.progress_bar.show()
        self.cancel_button.show()
        self.say.emit("Scanning…")
        self.start.emit(request)

    def _ended(self, outcome: ScanSummary | str) -> None:
        nxt = self.session.finish_scan(outcome)  # listeners hear how it ended
        if nxt is not None:
            self._run(nxt)

    def cancel(self) -> None:
        self.session.cancel_scan()
        self.say.emit("Cancelling the scan; everything read so far is kept…")

    def _progress(self, p: ScanProgress) -> None:
        if p.phase is ScanPhase.READING and p.to_read:
            self.progress_bar.setRange(0, p.to_read)
            self.progress_bar.setValue(p.read)
            self.say.emit(f"Reading tags: {p.read:,} / {p.to_read:,} — {p.folder}")
        else:
            self.say.emit(f"Looking through folders: {p.seen:,} files — {p.folder}")

    def _on_session(self, event: SessionEvent) -> None:
        if event.kind is SessionChange.SCAN_QUEUED:
            self.say.emit("Added to the queue: it will be scanned when the current scan ends.")
        elif event.kind is SessionChange.SCAN_FINISHED:
            self._idle()
            s = event.payload
            assert isinstance(s, ScanSummary)
            skipped = f", {len(self.problems):,} skipped (unreadable)" if self.problems else ""
            state = "Scan cancelled; kept" if s.cancelled else "Library up to date"
            self.say.emit(f"{state}: {s.files:,} files, {s.matched:,} catalog songs{skipped}.")
        elif event.kind is SessionChange.SCAN_FAILED:
            self._idle()
            self.say.emit(f"The scan stopped: {event.payload}. Your library is unchanged.")

    def _idle(self) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()

    def shutdown(self) -> None:
        """Stop the scan under way and the thread (the window is closing). The scan stops
        at its next file and is marked interrupted, so the next start resumes it; nothing
        it says any more reaches the closing window."""
        self.session.cancel_scan(interrupted=self.session.scanning)
        for signal in (self.worker.progress, self.worker.problem, self.worker.finished,
                       self.worker.failed, self.worker.waiting):  # fmt: skip
            signal.disconnect()
        if self._on_session in self.session.listeners:
            self.session.listeners.remove(self._on_session)
        self.thread.quit()
        if not self.thread.wait(100):
            # Reading workers finish the files in hand before they stop; at quit nobody
            # waits for those (the scan resumes at the next start): stop them now.
            for child in multiprocessing.active_children():
                child.terminate()
            self.thread.wait(5000)
