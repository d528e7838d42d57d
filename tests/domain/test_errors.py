"""One exception root with a user message (domain/errors.py).

Walks every module of the client, head office, the domain and printing, and fails when an exception
class defined there does not derive from :class:`LedgerError` — unless it is in ``INTERNAL``, the
explicit list of exceptions that never reach a user (each caught where it is raised and turned into
a result code, an HTTP reply or a ``LedgerError``), each with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

from domain.errors import LedgerError

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "desktop_app", "sync", "printing")

INTERNAL: dict[str, str] = {
    # sync protocol parsing: each becomes a per-change result code or a whole-request ApiError
    "sync.protocol.revisions.BadRevision": "becomes the bad_rev result code",
    "sync.protocol.hlc.BadTimestamp": "becomes an invalid_change result code",
    "sync.protocol.signatures.BadKey": "becomes weak_key / an EnrolmentFailed",
    "sync.protocol.signatures.WeakKey": "a BadKey: becomes the weak_key reply",
    "sync.protocol.signatures.BadSignature": "becomes the bad_signature result code / a TamperedReply",
    "sync.protocol.compression.DecompressedTooLarge": "becomes the payload_too_large reply",
    "sync.protocol.compression.BadCompressedBody": "becomes the invalid_request reply",
    "sync.protocol.compression.UnsupportedEncoding": "becomes the unsupported_encoding reply",
    "sync.protocol.cursor.BadCursor": "becomes the bad_cursor reply",
    "sync.protocol.canonical.NonCanonicalValue": "becomes the invalid_body result code",
    "sync.protocol.wire_v2.BadColumns": "becomes the invalid_request reply",
    "sync.protocol.wire_v2.BadResults": "becomes RequestRejected bad_reply on the device",
    "sync.client.engine._LaunchFailed": "a pipelined page without an answer: the engine sends it again in order",
    # head office internals, turned into ApiError (JSON reply with a Chinese message) by the routes
    "sync.server.blobstore.OffsetMismatch": "becomes the 409 reply with the held Upload-Offset",
    "sync.server.service.DeviceRevoked": "becomes ApiError device_revoked",
    "sync.server.service.InvalidCursor": "becomes ApiError bad_cursor",
    "sync.server.service.QuotaExceeded": "becomes ApiError quota_exceeded",
    "sync.server.service.TokenRefused": "becomes ApiError token_expired / unauthorized (401)",
    "sync.server.ledger.BranchNotFound": "becomes ApiError not_found",
    "sync.server.devices.DeviceNotFound": "becomes ApiError not_found",
    "sync.server.devices.RenewalRefused": "becomes ApiError unauthorized",
    "sync.server.jsonlimits.JsonLimitExceeded": "becomes ApiError too_deep / too_many_values",
    "sync.server.jsonlimits.BadJson": "becomes ApiError invalid_request",
    "sync.server.db.DatabaseUnavailable": "becomes ApiError database_unavailable",
    "sync.server.console.web.NeedLogin": "a redirect to the login page, not a failure",
    "sync.server.console.scope.OutOfScope": "becomes a 404 page",
    "sync.server.keyfile.KeyFileError": "stops the service at start-up; for the operator's log, not a user",
}


def _modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        names.append(package)
        names += [info.name for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")]
    # Alembic's scripts run only inside Alembic; a __main__ would run its program.
    return sorted(n for n in names if not n.startswith("sync.server.migrations") and not n.endswith("__main__"))


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == name:
                found[f"{name}.{cls.__qualname__}"] = cls
    return found


def test_every_exception_a_user_can_see_derives_from_the_root() -> None:
    classes = _exception_classes()
    assert len(classes) > 60  # the walk found them
    outside = sorted(name for name, cls in classes.items()
                     if not issubclass(cls, LedgerError) and name not in INTERNAL)
    assert outside == []


def test_the_internal_list_names_only_what_exists_and_stays_internal() -> None:
    classes = _exception_classes()
    assert sorted(set(INTERNAL) - set(classes)) == []
    assert [name for name in INTERNAL if issubclass(classes[name], LedgerError)] == []


@pytest.mark.parametrize("name", ["desktop_app.store.errors.StoreError", "sync.client.errors.SyncError",
                                  "domain.violations.RuleViolation", "desktop_app.operations.ledger.StoreLocked",
                                  "printing.fonts.FontsUnavailable", "desktop_app.print_jobs.NothingToPrint",
                                  "desktop_app.cli_text.CliError", "sync.server.errors.ApiError"])
def test_the_families_share_the_root(name: str) -> None:
    assert issubclass(_exception_classes()[name], LedgerError)


def test_a_user_message_is_the_chinese_message() -> None:
    from desktop_app.store.errors import DiskFull, WrongPassphrase
    from domain.violations import RuleViolation, Violation
    from sync.client.errors import NetworkError

    assert WrongPassphrase().user_message() == "密码不正确，请重新输入"
    assert DiskFull(detail="[Errno 28] No space left").user_message().startswith("磁盘空间已满")
    assert NetworkError(detail="Connection refused").user_message() == "网络连接失败，稍后会自动重试"
    refused = RuleViolation([Violation("title", "required", "请填写会议名称"),
                             Violation("starts_at", "required", "请填写会议时间")])
    assert refused.user_message() == "请填写会议名称\n请填写会议时间"
    assert LedgerError("自定义的说明", detail="technical").user_message() == "自定义的说明"
