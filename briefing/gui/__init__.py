"""The PySide6 desktop front end: windows, panels, item models, undo commands and workers."""
