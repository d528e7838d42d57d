"""The BranchLedger desktop client: encrypted store, CLI and the Qt application.

``desktop_app.store`` and ``desktop_app.cli`` import no Qt; only ``desktop_app.ui`` does.
"""
