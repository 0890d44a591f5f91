"""`python -m briefing` and the `briefing` script: the GUI with no arguments, the CLI otherwise."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    gui_db = args[1] if len(args) == 2 and args[0] == "--db" else None
    if not args or gui_db is not None:
        try:
            from briefing.gui.app import run_gui
        except ImportError as exc:  # pragma: no cover - only without the GUI extras
            print(f"briefing: the desktop app is unavailable ({exc}); see `briefing --help`", file=sys.stderr)
            return 2
        return run_gui(gui_db)
    from briefing.cli.client import delegate

    code = delegate(args)  # a running `briefing server` saves the imports; None: run it here
    if code is not None:
        return code
    from briefing.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
