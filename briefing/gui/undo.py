"""Undo commands: each redo/undo calls the service on the serial write lane, never on the GUI thread.

The GUI first performs an edit as an operation (so validation and conflicts surface before anything
is recorded) and pushes the command already applied; later undos and redos replay through the
service.

How far back undo reaches: a finding's version goes up with every write, so a command cannot
expect the version its own write produced (the steps undone after it wrote newer ones). The
window's `History` remembers every version this window wrote; a step replays over the record's
current version when every version since the step's own write is one of ours, and refuses (nothing
written, the stack where it was, the reason shown) when someone else wrote in between. Sources have
no version: a source step checks the source still holds what the step left there. A deleted record
comes back under its own id, so older steps still find it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from briefing.domain.errors import BriefingError
from briefing.domain.model import Audience, Finding, Source
from briefing.gui.workers import Failure

if TYPE_CHECKING:
    from briefing.domain.charts import ChartSpec
    from briefing.gui.context import AppContext


class StaleStep(BriefingError):
    """An undo or redo would overwrite a change made elsewhere since that step; nothing was written."""

    def __init__(self, what: str, detail: str) -> None:
        self.what = what
        self.detail = detail
        super().__init__(f"{what} was changed elsewhere since this step ({detail}); nothing was changed. "
                         "Reload to see the other change.")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.what, self.detail))


class History:
    """What the undo commands of one window share: the finding versions this window wrote, and
    whether a replay is still on its way to the database (undo and redo wait for it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ours: dict[int, set[int]] = {}
        self.replaying = 0

    def wrote(self, finding: Finding) -> None:
        """`finding` (as returned by the service) is a version this window wrote."""
        with self._lock:
            self._ours.setdefault(finding.id, set()).add(finding.version)

    def ours_since(self, finding_id: int, version: int, current: int) -> bool:
        """True if every version after `version` up to `current` was written here."""
        with self._lock:
            ours = self._ours.get(finding_id, set())
            return all(v in ours for v in range(version + 1, current + 1))

    def current_version(self, ctx: AppContext, finding: Finding, since: int) -> int:
        """The finding's version now, if nobody else wrote it after our version `since`."""
        now = ctx.service.get_finding(finding.id).version
        if not self.ours_since(finding.id, since, now):
            raise StaleStep(f"“{_short(finding.title)}”",
                            f"version {now} was written elsewhere after version {since}")
        return now


class ServiceCommand(QUndoCommand):
    """Base: the first redo is skipped (the edit already happened); later ones replay it."""

    def __init__(self, ctx: AppContext, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._applied = True
        self._skip = False
        # The report the step was made in: the window replays it there (MainWindow._step), since
        # the service works on its current report. None: a step about the library itself.
        self.report_id: int | None = ctx.service.report_id

    # ---- Qt overrides
    def redo(self) -> None:
        if self._applied:
            self._applied = False  # the push itself: already done by the operation that built us
            return
        if self._skip:
            return
        self._submit(self.do, "Redo")

    def undo(self) -> None:
        if self._skip:
            return
        self._submit(self.revert, "Undo")

    # ---- For subclasses
    def do(self) -> Any:
        raise NotImplementedError

    def revert(self) -> Any:
        raise NotImplementedError

    def announce(self, result: Any) -> None:
        """On the GUI thread after a replay: tell the screens what changed."""

    # ---- Internals
    def _submit(self, fn: Callable[[], Any], verb: str) -> None:
        text = self.text()
        stack = self.ctx.undo
        # QUndoStack moves its index after this returns; a failed write puts it back here.
        index_before = stack.index()
        history = self.ctx.history
        history.replaying += 1

        def done(result: Any) -> None:
            history.replaying -= 1
            self.announce(result)
            self.ctx.events.sig_message.emit(f"{verb}: {text}")

        def failed(failure: Failure) -> None:
            history.replaying -= 1
            self._skip = True  # moving the index back calls our undo/redo: write nothing
            try:
                stack.setIndex(index_before)
            finally:
                self._skip = False
            self.ctx.events.sig_message.emit(f"Could not {verb.lower()} “{text}”: {failure.summary}")
            self.ctx.events.sig_error.emit(f"Could not {verb.lower()} “{text}”", failure)

        self.ctx.ops.write(lambda _t: fn(), label=f"{verb} {text}", success=done, failure=failed)


class EditFindingCommand(ServiceCommand):
    """A saved form (or a number fixed in the table): before and after are whole findings, so one
    Save that changed title, metrics and sources is one step."""

    def __init__(
        self, ctx: AppContext, before: Finding, after: Finding, text: str | None = None
    ) -> None:
        super().__init__(ctx, text or f"Edit “{_short(after.title)}”")
        self.before = before
        self.after = after
        self._version = after.version  # the version our last write of this step produced
        ctx.history.wrote(after)

    def do(self) -> Finding:
        return self._write(self.after)

    def revert(self) -> Finding:
        return self._write(self.before)

    def _write(self, target: Finding) -> Finding:
        history = self.ctx.history
        now = history.current_version(self.ctx, target, self._version)
        saved = self.ctx.service.update_finding(target.id, target.to_draft(), now)
        history.wrote(saved)
        self._version = saved.version
        return saved

    def announce(self, result: Finding) -> None:
        self.ctx.events.sig_finding_saved.emit(result)


class CreateFindingCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, created: Finding) -> None:
        super().__init__(ctx, f"New finding “{_short(created.title)}”")
        self.current = created
        ctx.history.wrote(created)

    def do(self) -> Finding:
        self.current = _restore(self.ctx, self.current)
        return self.current

    def revert(self) -> int:
        self.current = _delete(self.ctx, self.current)
        return self.current.id

    def announce(self, result: Finding | int) -> None:
        if isinstance(result, Finding):
            self.ctx.events.sig_finding_saved.emit(result)
        else:
            self.ctx.events.sig_finding_deleted.emit(result)


class DeleteFindingCommand(ServiceCommand):
    """Holds the deleted finding whole: undo restores its id, metrics, sources and wordings."""

    def __init__(self, ctx: AppContext, snapshot: Finding) -> None:
        super().__init__(ctx, f"Delete “{_short(snapshot.title)}”")
        self.current = snapshot
        ctx.history.wrote(snapshot)

    def do(self) -> int:
        self.current = _delete(self.ctx, self.current)
        return self.current.id

    def revert(self) -> Finding:
        self.current = _restore(self.ctx, self.current)
        return self.current

    def announce(self, result: Finding | int) -> None:
        if isinstance(result, Finding):
            self.ctx.events.sig_finding_saved.emit(result)
        else:
            self.ctx.events.sig_finding_deleted.emit(result)


def _restore(ctx: AppContext, finding: Finding) -> Finding:
    restored = ctx.service.restore_finding(finding)
    ctx.history.wrote(restored)
    return restored


def _delete(ctx: AppContext, finding: Finding) -> Finding:
    """Delete the finding as this window last left it (a newer version from elsewhere refuses)."""
    now = ctx.history.current_version(ctx, finding, finding.version)
    return ctx.service.delete_finding(finding.id, expected_version=now)


class AudienceTemplateCommand(ServiceCommand):
    """A saved change to what an audience's briefing holds (the Briefing screen's Save)."""

    def __init__(
        self,
        ctx: AppContext,
        key: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        text: str,
    ) -> None:
        super().__init__(ctx, text)
        self.key = key
        self.before = dict(before)
        self.after = dict(after)

    def do(self) -> str:
        self.ctx.service.update_audience(self.key, template=self.after)
        return self.key

    def revert(self) -> str:
        self.ctx.service.update_audience(self.key, template=self.before)
        return self.key

    def announce(self, result: str) -> None:
        self.ctx.events.sig_audience_changed.emit(result)


class AudienceRecordCommand(ServiceCommand):
    """An audience created, deleted, renamed or reset: `before` and `after` are whole records (None:
    no such audience), so undo brings a deleted audience back with its template."""

    def __init__(
        self, ctx: AppContext, before: Audience | None, after: Audience | None, text: str
    ) -> None:
        super().__init__(ctx, text)
        self.before = before
        self.after = after

    def do(self) -> str:
        return _put_audience(self.ctx, self.before, self.after)

    def revert(self) -> str:
        return _put_audience(self.ctx, self.after, self.before)

    def announce(self, result: str) -> None:
        self.ctx.events.sig_audience_changed.emit(result)


def _put_audience(ctx: AppContext, now: Audience | None, target: Audience | None) -> str:
    """Turn the audience that this step left as `now` into `target`; refuses if it moved on since."""
    service = ctx.service
    either = target or now
    if either is None:
        raise ValueError("an audience step needs a before or an after")
    key = either.key
    if now is not None:
        current = service.get_audience(now.key)
        if current != now:
            raise StaleStep(f"Audience “{_short(now.name)}”", "it was edited after this step")
    if target is None:
        service.delete_audience(key)
    elif now is None:
        service.restore_audience(target)
    else:
        service.update_audience(key, name=target.name, description=target.description,
                                template=_plain(target.template))
    return key


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class SaveChartCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, before: ChartSpec, after: ChartSpec) -> None:
        super().__init__(ctx, f"Edit chart “{_short(after.title)}”")
        self.before = before
        self.after = after

    def do(self) -> ChartSpec:
        return self.ctx.service.save_chart(self.after)

    def revert(self) -> ChartSpec:
        return self.ctx.service.save_chart(self.before)

    def announce(self, result: ChartSpec) -> None:
        self.ctx.events.sig_chart_saved.emit(result)


class ChartRecordCommand(ServiceCommand):
    """A chart created, duplicated or deleted: `before` and `after` are whole specs (None: no such
    chart); a deleted chart comes back under its key, in its place."""

    def __init__(self, ctx: AppContext, before: ChartSpec | None, after: ChartSpec | None, text: str) -> None:
        super().__init__(ctx, text)
        self.before = before
        self.after = after

    def do(self) -> ChartSpec | None:
        return self._put(self.before, self.after)

    def revert(self) -> ChartSpec | None:
        return self._put(self.after, self.before)

    def _put(self, now: ChartSpec | None, target: ChartSpec | None) -> ChartSpec | None:
        service = self.ctx.service
        if now is not None:
            current = service.get_chart(now.key)
            if replace_position(current) != replace_position(now):
                raise StaleStep(f"Chart “{_short(now.title)}”", "it was edited after this step")
        if target is None:
            if now is not None:
                service.delete_chart(now.key)
            return None
        return service.save_chart(target)

    def announce(self, result: ChartSpec | None) -> None:
        self.ctx.events.sig_charts_changed.emit()


def replace_position(spec: ChartSpec) -> ChartSpec:
    """A spec compared without its place in the list (a restore may land it elsewhere)."""
    from dataclasses import replace

    return replace(spec, position=0)


class EditSourceCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, before: Source, after: Source) -> None:
        super().__init__(ctx, f"Edit source “{_short(after.publisher)}”")
        self.before = before
        self.after = after

    def do(self) -> Source:
        _expect_source(self.ctx, self.before)
        return self.ctx.service.update_source(self.after.id, self.after.to_draft())

    def revert(self) -> Source:
        _expect_source(self.ctx, self.after)
        return self.ctx.service.update_source(self.before.id, self.before.to_draft())

    def announce(self, result: Source) -> None:
        self.ctx.events.sig_sources_changed.emit()


class CreateSourceCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, created: Source) -> None:
        super().__init__(ctx, f"New source “{_short(created.publisher)}”")
        self.current = created

    def do(self) -> Source:
        self.current = self.ctx.service.restore_source(self.current)
        return self.current

    def revert(self) -> Source:
        _expect_source(self.ctx, self.current)
        return self.ctx.service.delete_source(self.current.id)

    def announce(self, result: Source) -> None:
        self.ctx.events.sig_sources_changed.emit()


class DeleteSourceCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, deleted: Source) -> None:
        super().__init__(ctx, f"Delete source “{_short(deleted.publisher)}”")
        self.current = deleted

    def do(self) -> Source:
        _expect_source(self.ctx, self.current)
        return self.ctx.service.delete_source(self.current.id)

    def revert(self) -> Source:
        # Same id and key: older steps and the findings that cite it still find it.
        self.current = self.ctx.service.restore_source(self.current)
        return self.current

    def announce(self, result: Source) -> None:
        self.ctx.events.sig_sources_changed.emit()


def _expect_source(ctx: AppContext, expected: Source) -> None:
    """Sources carry no version: a step replays only over what it left there itself."""
    now = ctx.service.get_source(expected.id)
    if now != expected:
        raise StaleStep(f"Source “{_short(expected.publisher)}”", "its fields differ from this step's")


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
