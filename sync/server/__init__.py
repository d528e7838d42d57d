"""Head-office server: FastAPI routes over a storage layer on SQLite or PostgreSQL (no Qt here)."""
