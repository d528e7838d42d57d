"""The frozen program's entry point: ``branch-ledger`` (the GUI without a subcommand, the CLI with one)."""

from desktop_app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
