"""Guards the PySide6 pin: 6.12.0 drops references to None on Python 3.11 and aborts the process."""

from __future__ import annotations

import sys

import pytest


def test_pyside6_is_not_the_defective_release() -> None:
    import PySide6

    assert PySide6.__version__ != "6.12.0", "PySide6 6.12.0 has the None refcount defect on Python 3.11"
    major, minor, *_ = (int(p) for p in PySide6.__version__.split(".")[:2])
    assert (major, minor) >= (6, 11)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_set_object_name_keeps_none_refcount(qapp) -> None:
    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for i in range(200):
        obj.setObjectName(f"object-{i}")
    after = sys.getrefcount(None)
    # A healthy build leaves None's count where it was (allow a little interpreter noise).
    assert after >= before - 5, f"None lost {before - after} references over 200 calls"
