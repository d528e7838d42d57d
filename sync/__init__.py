"""Sync between branch devices and head office: wire protocol, client transport, server."""
