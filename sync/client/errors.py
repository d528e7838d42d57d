"""What can go wrong talking to head office, as types the UI can turn into messages.

``retryable`` separates "try again later" (network, 5xx, 429) from "stop and tell the user"
(revoked, upgrade needed, captive portal, rejected request).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from domain.errors import LedgerError
from domain.i18n import CHINESE, N_, language, t
from sync.protocol.errors import MESSAGES, known, message_for, with_detail


def shown(code: str | None, reason: str | None = None, params: Mapping[str, Any] | None = None,
          server_text: str | None = None) -> str | None:
    """What head office's refusal says, in the clerk's language.

    The message is rendered from this client's catalog by ``reason`` (else ``code``) and its named
    ``params`` (sync/protocol/errors.py). In Chinese head office's own text is shown when it sent
    one (it is that same message, and an older head office's text may be more precise than its
    code); a key this client does not know — a newer head office — falls back to that text too.
    A refused change's ``detail`` follows its message: translated when it is a catalog message
    (head office's "数值过大"), else as sent (a technical fact).
    """
    values = dict(params or {})
    if server_text and language() == CHINESE:
        return server_text
    key = reason or code
    if not key or not known(key):
        return server_text
    if not _fields(MESSAGES[key]) <= values.keys():  # a value this client's message needs is missing
        return server_text
    detail = str(values.pop("detail", "") or "")
    detail = t(detail) if detail else ""  # a catalog message (数值过大) or a fact as sent
    try:
        return with_detail(message_for(key, **values), detail)
    except (KeyError, IndexError, ValueError):  # params that do not fit this client's template
        return server_text


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def shown_reply(answer: Mapping[str, Any]) -> str | None:
    """:func:`shown` for a JSON error reply (``code``, ``reason``, ``params``, ``message``)."""
    params = answer.get("params")
    reason = answer.get("reason")
    return shown(str(answer.get("code") or ""), reason if isinstance(reason, str) else None,
                 params if isinstance(params, Mapping) else None, str(answer.get("message") or "") or None)


class SyncError(LedgerError):
    """Base of every sync failure; ``message`` is shown to the clerk as is (in the clerk's language:
    head office's refusals through :func:`shown`)."""

    retryable = False
    message = N_("同步失败")

    def __init__(self, message: str | None = None, *, detail: str = "", code: str = "") -> None:
        super().__init__(message or None, detail=detail)
        self.code = code


class InsecureTransport(SyncError):
    message = N_("出于安全考虑，只允许通过 HTTPS 连接总部服务器（本机测试地址除外）")


class NetworkError(SyncError):
    """Could not connect, the link dropped, or no byte arrived within the stall timeout."""

    retryable = True
    message = N_("网络连接失败，稍后会自动重试")


class TlsError(SyncError):
    message = N_("无法验证总部服务器的证书。请检查系统时间，或在设置中指定单位的 CA 证书。")


class ServerUnavailable(SyncError):
    retryable = True
    message = N_("总部服务器暂时不可用，稍后会自动重试")

    def __init__(
        self,
        message: str | None = None,
        *,
        detail: str = "",
        code: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, detail=detail, code=code)
        self.retry_after = retry_after


class CaptivePortal(SyncError):
    """A reply that did not come from a BranchLedger server (login page, proxy page, redirect)."""

    message = N_("收到的不是总部服务器的应答：当前网络可能需要先登录（如宾馆、机场的认证页面），或被代理拦截。")


class UpgradeRequired(SyncError):
    message = N_("请升级客户端：总部服务器已不再支持此版本。升级前可继续离线使用，数据不会丢失。")

    def __init__(self, message: str | None = None, *, min_protocol: int | None = None) -> None:
        super().__init__(message, code="upgrade_required")
        self.min_protocol = min_protocol


class RateLimited(ServerUnavailable):
    """429: head office asks this device to sync less often; retried after Retry-After."""

    message = N_("同步过于频繁，总部要求稍后再试。数据仍保存在本机，稍后会自动重试。")


class AuthenticationFailed(SyncError):
    message = N_("设备认证失败，请重新注册本设备")


class TokenExpired(AuthenticationFailed):
    """401 token_expired: the engine renews the token with the device key and carries on."""

    message = N_("设备令牌已过期，正在自动续期。")


class QuotaExceeded(SyncError):
    """403 quota_exceeded: head office holds this device's storage quota. Pending changes stay on
    the device (nothing is dropped); pulling still works; the clerk is told to call head office."""

    message = N_("本设备在总部的存储配额已用完，新的修改暂时无法上传（数据仍完整保存在本机）。请联系总部管理员。")


class DeviceRevoked(SyncError):
    message = N_("此设备已被总部停用，无法同步。如有疑问请联系总部管理员。")


class PayloadTooLarge(SyncError):
    message = N_("请求过大")


class RequestRejected(SyncError):
    """Head office refused the request as a whole (4xx with a JSON error)."""

    message = N_("总部服务器拒绝了请求")


class EnrolmentFailed(SyncError):
    message = N_("设备注册失败")


class NotEnrolled(SyncError):
    message = N_("本设备尚未注册到总部，请先输入注册码完成注册")


class TamperedReply(SyncError):
    """A pulled revision whose content does not hash to its revision id, or a head-office item
    whose signature does not verify with the key received at enrolment: something between the
    device and head office altered the reply. Nothing from that reply is applied."""

    message = N_("从上级党委收到的数据未通过完整性校验（内容或签名不符），本次同步未应用其中任何内容。请联系上级党委。")
