"""The one lock around pdfium, for every caller in the process.

pdfium is not thread-safe: two threads inside it at once (the print preview rasterizing in one
worker while a 台账 embeds an attached PDF in another) crash the process. Every use of pypdfium2 —
the printing package embedding attached PDF pages, the window's raster printing and its PDF
viewer — holds this lock. It lives here, Qt-free, so the printing package can take it without
importing the window.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.Lock()  # not an RLock: a generator holding it may be closed on another thread
