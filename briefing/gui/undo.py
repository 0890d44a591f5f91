"""Undo commands: each redo/undo calls the service on the serial write lane, never on the GUI thread.

The GUI first performs an edit as an operation (so validation and conflicts surface before anything
is recorded) and pushes the command already applied; later undos and redos replay through the
service. Commands remember the version the database holds after their last replay; since every
write runs on the same single worker, that version is always the one the next replay expects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from briefing.domain.model import Finding, Source, SourceDraft
from briefing.gui.workers import Failure

if TYPE_CHECKING:
    from briefing.domain.charts import ChartSpec
    from briefing.gui.context import AppContext


class ServiceCommand(QUndoCommand):
    """Base: the first redo is skipped (the edit already happened); later ones replay it."""

    def __init__(self, ctx: AppContext, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._applied = True

    # ---- Qt overrides
    def redo(self) -> None:
        if self._applied:
            self._applied = False  # the push itself: already done by the operation that built us
            return
        self._submit(self.do, "Redo")

    def undo(self) -> None:
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

        def done(result: Any) -> None:
            self.announce(result)
            self.ctx.events.sig_message.emit(f"{verb}: {text}")

        def failed(failure: Failure) -> None:
            self.ctx.events.sig_error.emit(f"Could not {verb.lower()} “{text}”", failure)

        self.ctx.ops.write(lambda _t: fn(), label=f"{verb} {text}", success=done, failure=failed)


class EditFindingCommand(ServiceCommand):
    """A saved form (or a number fixed in the table): before and after are whole findings."""

    def __init__(
        self, ctx: AppContext, before: Finding, after: Finding, text: str | None = None
    ) -> None:
        super().__init__(ctx, text or f"Edit “{_short(after.title)}”")
        self.before = before
        self.after = after
        self._version = after.version

    def do(self) -> Finding:
        return self._write(self.after)

    def revert(self) -> Finding:
        return self._write(self.before)

    def _write(self, target: Finding) -> Finding:
        saved = self.ctx.service.update_finding(target.id, target.to_draft(), self._version)
        self._version = saved.version
        return saved

    def announce(self, result: Finding) -> None:
        self.ctx.events.sig_finding_saved.emit(result)


class CreateFindingCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, created: Finding) -> None:
        super().__init__(ctx, f"New finding “{_short(created.title)}”")
        self.current = created

    def do(self) -> Finding:
        self.current = self.ctx.service.restore_finding(self.current)
        return self.current

    def revert(self) -> int:
        self.current = self.ctx.service.delete_finding(
            self.current.id, expected_version=self.current.version
        )
        return self.current.id

    def announce(self, result: Finding | int) -> None:
        if isinstance(result, Finding):
            self.ctx.events.sig_finding_saved.emit(result)
        else:
            self.ctx.events.sig_finding_deleted.emit(result)


class DeleteFindingCommand(ServiceCommand):
    """Holds the deleted finding whole: undo restores its metrics, sources and wordings."""

    def __init__(self, ctx: AppContext, snapshot: Finding) -> None:
        super().__init__(ctx, f"Delete “{_short(snapshot.title)}”")
        self.current = snapshot

    def do(self) -> int:
        self.current = self.ctx.service.delete_finding(
            self.current.id, expected_version=self.current.version
        )
        return self.current.id

    def revert(self) -> Finding:
        self.current = self.ctx.service.restore_finding(self.current)
        return self.current

    def announce(self, result: Finding | int) -> None:
        if isinstance(result, Finding):
            self.ctx.events.sig_finding_saved.emit(result)
        else:
            self.ctx.events.sig_finding_deleted.emit(result)


class AudienceTemplateCommand(ServiceCommand):
    """A change to what an audience's briefing holds: a finding ticked or unticked, or a drag."""

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


class EditSourceCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, before: Source, after: Source) -> None:
        super().__init__(ctx, f"Edit source “{_short(after.publisher)}”")
        self.before = before
        self.after = after

    def do(self) -> Source:
        return self.ctx.service.update_source(self.after.id, source_draft(self.after))

    def revert(self) -> Source:
        return self.ctx.service.update_source(self.before.id, source_draft(self.before))

    def announce(self, result: Source) -> None:
        self.ctx.events.sig_sources_changed.emit()


class CreateSourceCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, created: Source) -> None:
        super().__init__(ctx, f"New source “{_short(created.publisher)}”")
        self.current = created

    def do(self) -> Source:
        self.current = self.ctx.service.create_source(source_draft(self.current))
        return self.current

    def revert(self) -> Source:
        return self.ctx.service.delete_source(self.current.id)

    def announce(self, result: Source) -> None:
        self.ctx.events.sig_sources_changed.emit()


class DeleteSourceCommand(ServiceCommand):
    def __init__(self, ctx: AppContext, deleted: Source) -> None:
        super().__init__(ctx, f"Delete source “{_short(deleted.publisher)}”")
        self.current = deleted

    def do(self) -> Source:
        return self.ctx.service.delete_source(self.current.id)

    def revert(self) -> Source:
        # The key is kept, so findings and exports that name the source by key still resolve.
        self.current = self.ctx.service.create_source(source_draft(self.current))
        return self.current

    def announce(self, result: Source) -> None:
        self.ctx.events.sig_sources_changed.emit()


def source_draft(source: Source) -> SourceDraft:
    return SourceDraft(
        publisher=source.publisher,
        title=source.title,
        url=source.url,
        published=source.published,
        accessed=source.accessed,
        notes=source.notes,
        key=source.key,
    )


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
