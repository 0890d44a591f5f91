"""The form meets the same number bound as every other way in (issue 13, item 2)."""

from __future__ import annotations

from decimal import Decimal

from briefing.gui.findings.metrics import FIELDS


def _metric_index(editor, row: int, name: str):  # type: ignore[no-untyped-def]
    return editor._metrics.index(row, FIELDS.index(name))


def _select(window, qtbot, row: int = 2):  # type: ignore[no-untyped-def]
    finding = window.findings.browser.model.finding(row)
    window.findings.browser.select_id(finding.id)
    qtbot.waitUntil(lambda: window.findings.editor.finding() is not None
                    and window.findings.editor.finding().id == finding.id)
    return finding


def test_a_29_digit_value_in_the_form_is_refused_by_name(window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    finding = _select(window, qtbot)
    editor = window.findings.editor
    editor._metrics.setData(_metric_index(editor, 0, "value"), "99999999999999999999999999999")
    editor.save()
    qtbot.waitUntil(lambda: bool(editor.field_error("metrics")))
    assert "Row 1, Value" in editor.field_error("metrics")
    assert "at most 28 significant digits" in editor.field_error("metrics")
    assert service.get_finding(finding.id).version == finding.version


def test_the_largest_value_saves_exactly_from_the_form(window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    finding = _select(window, qtbot)
    editor = window.findings.editor
    editor._metrics.setData(_metric_index(editor, 0, "value"), "9,999,999,999,999,999,999,999,999,999")
    editor.save()
    qtbot.waitUntil(lambda: service.get_finding(finding.id).version == finding.version + 1)
    assert service.get_finding(finding.id).metrics[0].value == Decimal("9" * 28)
    qtbot.waitUntil(lambda: not window.ops.active())
