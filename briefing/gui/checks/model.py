"""What the Checks screen shows: one run of the checks over the library, and a table model of its problems."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPalette

from briefing.checks import STYLE_RULES, Library, Problem, check_briefing, in_briefing, run_checks
from briefing.gui.icons import icon
from briefing.gui.widgets import error_color, is_dark

if TYPE_CHECKING:
    from briefing.services import BriefingService

COLUMNS = ("Severity", "Where", "Field", "Problem")
SEVERITY, WHERE, FIELD, MESSAGE = range(len(COLUMNS))
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1
_KINDS = {"finding": "Finding", "chart": "Chart", "template": "Template"}


@dataclass(frozen=True)
class Scope:
    """What one audience's briefing shows (see briefing.compose.scope)."""

    key: str
    name: str
    findings: frozenset[str]
    charts: frozenset[str]


@dataclass(frozen=True)
class CheckRun:
    """The checks over the whole library, with what the screen needs to name and open each subject."""

    problems: tuple[Problem, ...]
    findings: int
    charts: int
    templates: int
    names: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (kind, subject) -> title
    finding_ids: Mapping[str, int] = field(default_factory=dict)
    scopes: tuple[Scope, ...] = ()

    def problems_for(self, audience: str) -> list[Problem]:
        """The problems in `audience`'s briefing; every problem for "" (the whole library)."""
        scope = next((s for s in self.scopes if s.key == audience), None)
        if scope is None:
            return list(self.problems)
        return [p for p in self.problems if in_briefing(p, scope.key, scope.findings, scope.charts)]

    def summary(self) -> str:
        checked = f"{self.findings} findings, {self.charts} charts and {self.templates} audience templates"
        if not self.problems:
            return f"Every number in {checked} is backed by the data."
        subjects = len({(p.kind, p.subject) for p in self.problems})
        noun = "problem" if len(self.problems) == 1 else "problems"
        return f"{len(self.problems)} {noun} in {subjects} of {checked}."


def _library(service: BriefingService) -> Library:
    return Library(findings=service.list_findings(), charts=service.list_charts(),
                   audiences=service.list_audiences())


def _scope(audience: Any, findings: Sequence[Any]) -> Scope | None:
    from briefing.compose.scope import briefing_contents
    from briefing.domain.errors import ValidationError

    try:
        slugs, charts = briefing_contents(audience, findings)
    except ValidationError:
        return None  # a template compose refuses cannot be exported; the whole library still lists it
    return Scope(audience.key, audience.name, frozenset(slugs), frozenset(charts))


def check_library(service: BriefingService) -> CheckRun:
    """Read the library and run every check (off the GUI thread: some 0.3 s on the seed)."""
    library = _library(service)
    names: dict[tuple[str, str], str] = {("finding", f.slug): f.title for f in library.findings}
    names.update({("chart", c.key): c.title for c in library.charts})
    names.update({("template", a.key): a.name for a in library.audiences})
    scopes = [_scope(a, library.findings) for a in library.audiences]
    return CheckRun(tuple(run_checks(library)), len(library.findings), len(library.charts),
                    len(library.audiences), names, {f.slug: f.id for f in library.findings},
                    tuple(s for s in scopes if s is not None))


def check_audience(service: BriefingService, key: str, template: Mapping[str, Any] | None = None) -> list[Problem]:
    """The problems in one audience's briefing, as `briefing export` reports them. With `template`
    (a working selection exported as it stands), the briefing that template makes is checked, not
    the saved one: what the checks judge is what the export writes."""
    from dataclasses import replace

    library = _library(service)
    audience = next(a for a in library.audiences if a.key == key)
    if template is not None:
        audience = replace(audience, template=template)
        library = replace(library, audiences=[audience if a.key == key else a for a in library.audiences])
    scope = _scope(audience, library.findings)
    if scope is None:
        return []  # compose will refuse the template itself, with its own message
    return check_briefing(library, key, scope.findings, scope.charts)


def warning_color() -> QColor:
    """Amber that reads on light and dark windows (the error red is widgets.error_color)."""
    return QColor("#e3b341") if is_dark() else QColor("#b26a00")


def severity_icon(severity: str) -> QIcon:
    """Red or amber, and the highlighted text colour on a selected row, where amber would vanish."""
    name, color = ("error", error_color()) if severity == "error" else ("warning", warning_color())
    out = QIcon()
    for mode, tint in ((QIcon.Mode.Normal, color), (QIcon.Mode.Selected, QPalette().highlightedText().color())):
        for size in (16, 20, 32):
            out.addPixmap(icon(name, tint).pixmap(size, size), mode)
    return out


def field_label(name: str, audiences: Mapping[str, str] | None = None) -> str:
    """A problem's field as a reader names it: "wordings.asia" -> "Asia wording",
    "sections.2.callout.text" -> "Section 3 · callout text"."""
    parts = name.split(".")
    if parts[0] == "wordings" and len(parts) == 2:
        return f"{(audiences or {}).get(parts[1], parts[1])} wording"
    if parts[0] in ("sections", "key_figures") and len(parts) >= 2 and parts[1].isdigit():
        head = f"{'Section' if parts[0] == 'sections' else 'Key figure'} {int(parts[1]) + 1}"
        rest = parts[2:]
    elif parts[0] == "what_this_means":
        head, rest = "What this means", parts[1:]
    else:
        head, rest = parts[0].replace("_", " ").capitalize(), parts[1:]
    if rest and rest[-1].isdigit():  # bullets.1 -> bullet 2
        rest = [*rest[:-2], f"{rest[-2].removesuffix('s')} {int(rest[-1]) + 1}"]
    return " · ".join([head, " ".join(rest)]) if rest else head


class ProblemsModel(QAbstractTableModel):
    """A thin adapter over a list of problems; the run supplies the names of their subjects."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []
        self._names: Mapping[tuple[str, str], str] = {}
        self._audiences: Mapping[str, str] = {}

    # ---- Public API
    def set_problems(self, problems: Sequence[Problem], run: CheckRun) -> None:
        self.beginResetModel()
        self._problems = list(problems)
        self._names = run.names
        self._audiences = {s.key: s.name for s in run.scopes}
        self.endResetModel()

    def problem(self, row: int) -> Problem | None:
        return self._problems[row] if 0 <= row < len(self._problems) else None

    def where(self, p: Problem) -> str:
        return f"{_KINDS.get(p.kind, p.kind)}: {self._names.get((p.kind, p.subject), p.subject)}"

    # ---- Qt overrides
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        p = self.problem(index.row()) if index.isValid() else None
        if p is None:
            return None
        col = index.column()
        if role == PROBLEM_ROLE:
            return p
        if role == Qt.ItemDataRole.DisplayRole:
            return (p.severity.capitalize(), self.where(p), field_label(p.field, self._audiences),
                    p.message)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == WHERE:
                return f"{p.kind} {p.subject}"
            if col == MESSAGE:
                return f"{p.message}\n\nRule: {p.rule} · words at fault: “{p.text}”"
            if col == SEVERITY:
                if p.rule in STYLE_RULES:
                    return "The wording repeats itself; the evidence is not in question"
                return ("The data contradicts the text" if p.severity == "error"
                        else "The text states a number the data does not hold")
        if role == Qt.ItemDataRole.DecorationRole and col == SEVERITY:
            return severity_icon(p.severity)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return (f"{p.severity}: {self.where(p)}, {field_label(p.field, self._audiences)}: {p.message}"
                    if col == SEVERITY else None)
        return None
