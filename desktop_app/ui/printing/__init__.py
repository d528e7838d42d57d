"""Printing from the app: the four documents through :mod:`desktop_app.print_jobs`, then preview,
the system print dialog or save-as-PDF.

* :mod:`.documents` — what to print (:class:`~.documents.PrintRequest`) and rendering it (Qt-free,
  in a worker);
* :mod:`.raster` — the renderer's PDF rasterized with pypdfium2 and painted on a ``QPrinter``;
* :mod:`.dialog` — the small print dialog (preview / print / save as PDF) and the 台账 period dialog.

Import from those modules: this package re-exports nothing, so opening a page does not load the
printing code.
"""
