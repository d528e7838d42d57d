"""Qt item models over store queries (lazy, paged; never a widget filled row by row)."""
