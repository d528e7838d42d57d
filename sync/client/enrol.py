"""Enrolment: trade a one-time code from head office for a device token bound to one branch."""

from __future__ import annotations

from sync.client import errors
from sync.client.state import Credentials
from sync.client.transport import Transport
from sync.protocol.signatures import SigningKey
from sync.protocol.wire import EnrolRequest, EnrolResponse


def enrol(
    base_url: str,
    code: str,
    *,
    device_id: str,
    device_name: str,
    signing_key: SigningKey,
    ca_bundle: str | None = None,
    app_version: str = "",
    transport: Transport | None = None,
) -> tuple[Credentials, EnrolResponse]:
    """Register this device with head office; the caller stores the credentials (encrypted).

    Only the public half of ``signing_key`` leaves the device.
    """
    transport = transport or Transport(base_url, ca_bundle=ca_bundle)
    request = EnrolRequest(
        code=code.strip(),
        device_id=device_id,
        device_name=device_name,
        public_key=signing_key.public_key_b64(),
        app_version=app_version,
    )
    try:
        data = transport.post_json("/v1/enrol", request.model_dump_json().encode(), auth=False)
    except errors.RequestRejected as exc:
        raise errors.EnrolmentFailed(exc.message, detail=exc.detail, code=exc.code) from exc
    reply = EnrolResponse.model_validate(data)
    creds = Credentials(
        base_url=transport.base_url,
        device_id=device_id,
        token=reply.token,
        branch_id=reply.branch_id,
        branch_name=reply.branch_name,
        server_public_key=reply.server_public_key,
        ca_bundle=ca_bundle,
        token_expires_at=reply.token_expires_at,
        encodings=transport.server_encodings,
        compact=transport.server_compact,
        protocol=transport.server_protocol,
    )
    return creds, reply
