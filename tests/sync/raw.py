"""Hand-made requests for hostile tests: what a broken or malicious client puts on the wire."""

from __future__ import annotations

import gzip
import json
from typing import Any

import requests

from tests.sync.hq import Device, HeadOfficeFixture
from testsupport.memory_state import MemoryState


def token_of(device: Device) -> str:
    assert device.state.creds is not None
    return device.state.creds.token


def post(hq: HeadOfficeFixture, path: str, body: bytes | dict[str, Any], *, token: str | None = None,
         compress: bool = False, precompressed: bool = False, timeout: float = 30,
         base_url: str | None = None) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if compress:
        data = gzip.compress(data)
    if compress or precompressed:
        headers["Content-Encoding"] = "gzip"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post((base_url or hq.base_url) + path, data=data, headers=headers, timeout=timeout)


def pending_dicts(state: MemoryState) -> list[dict[str, Any]]:
    """The device's outbox as the JSON objects it would push."""
    return [json.loads(c.model_dump_json(exclude_none=True)) for c in state.pending_changes(500, 10**9)]


def sync_body(state: MemoryState, push: list[Any], **extra: Any) -> dict[str, Any]:
    return {"protocol": 1, "client": {"device_id": state.device_id}, "push": push, **extra}
