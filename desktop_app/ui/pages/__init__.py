"""One module per navigation page of the workspace."""
