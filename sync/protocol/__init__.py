"""The wire protocol shared by client and server (no Qt, no FastAPI imports here)."""
