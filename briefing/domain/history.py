"""A finding's history: who changed what and when, field by field (records and the diff that makes them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# The actions a history row records.
CREATE, EDIT, DELETE, RESTORE = "create", "edit", "delete", "restore"

# The fields of a finding's snapshot (store.transfer.finding_dict) in the order a diff lists them.
FIELDS = ("slug", "title", "statement", "section", "kind", "tags", "as_of", "sources", "metrics", "wordings")


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after (None: the field had no value, or the finding did not exist).
    `field` is a snapshot field, or `metrics[N]` for the Nth metric, or `wordings.KEY` for one
    audience's wording."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    finding_id: int
    slug: str
    action: str
    who: str
    at: datetime  # UTC
    version: int  # the finding's version after the change (for a delete: the version deleted)
    changes: tuple[FieldChange, ...]
    # The finding as this change left it (for a delete: as it was), in store.transfer.finding_dict form.
    snapshot: Mapping[str, Any]


def diff_snapshots(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[FieldChange]:
    """The fields that differ between two snapshots; a metric or a wording is a field of its own, so
    a changed value reads as that one metric, not the whole list."""
    old, new = before or {}, after or {}
    changes: list[FieldChange] = []
    for name in FIELDS:
        a, b = old.get(name), new.get(name)
        if name == "metrics":
            a_list, b_list = list(a or ()), list(b or ())
            for i in range(max(len(a_list), len(b_list))):
                ma = a_list[i] if i < len(a_list) else None
                mb = b_list[i] if i < len(b_list) else None
                if ma != mb:
                    changes.append(FieldChange(f"metrics[{i + 1}]", ma, mb))
        elif name == "wordings":
            a_map, b_map = dict(a or {}), dict(b or {})
            for key in sorted(set(a_map) | set(b_map)):
                if a_map.get(key) != b_map.get(key):
                    changes.append(FieldChange(f"wordings.{key}", a_map.get(key), b_map.get(key)))
        elif _empty(a) and _empty(b):
            continue
        elif a != b:
            changes.append(FieldChange(name, a, b))
    return changes


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def shown(value: Any) -> str:
    """A snapshot value as one line of text for the CLI and the app ("—" for none)."""
    if _empty(value):
        return "—"
    if isinstance(value, Mapping):  # a metric
        parts = [f"{value.get('label', '')}: {value.get('value', '')}"]
        parts += [str(value[k]) for k in ("scale", "unit") if value.get(k)]  # "140 trillion tokens"
        extra = [str(value[k]) for k in ("entity", "period", "as_of", "series") if value.get(k)]
        return " ".join(parts) + (f" ({', '.join(extra)})" if extra else "")
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(str(v) for v in value)
    return str(value)


__all__ = ["CREATE", "DELETE", "EDIT", "FIELDS", "RESTORE", "FieldChange", "HistoryEntry", "diff_snapshots",
           "shown"]
