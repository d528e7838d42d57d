"""Small reusable widgets for forms: typed fields and an editable row table."""
