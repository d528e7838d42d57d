"""The frozen program's entry point: ``branch-ledger`` (the GUI without a subcommand, the CLI with one).

``branch-ledger --bundle-self-check`` (only in the bundle) reports what the bundle's trimmed
parts still do; see packaging/bundle_check.py.
"""

import sys

from desktop_app.cli import main

if __name__ == "__main__":
    if sys.argv[1:] == ["--bundle-self-check"]:
        from bundle_check import run

        raise SystemExit(run())
    raise SystemExit(main())
