"""`python -m briefing` and the `briefing` script: the GUI with no arguments, the CLI otherwise."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[:1] in (["--gui"],) or (args[:1] == ["--db"] and len(args) == 2):
        try:
            from briefing.gui.app import run_gui
        except ImportError as exc:  # pragma: no cover - only without the GUI extras
            print(f"briefing: the desktop app is unavailable ({exc}); see `briefing --help`", file=sys.stderr)
            return 2
        db = args[1] if args[:1] == ["--db"] else None
        return run_gui(db)
    from briefing.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
