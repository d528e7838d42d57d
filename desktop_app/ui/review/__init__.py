"""Head office's review loop in the clerk's window: returned records, their banner, receipts.

Three small widgets, each hooked into an existing view with one line: :mod:`.returned_panel` on
the 概览 page, :mod:`.banner` in the meeting editor, :mod:`.notice_ack` in the notice view. They
read and write only through :mod:`desktop_app.reviews` (Qt-free).
"""
