"""Stable result codes and the messages the clerk sees for each, in the clerk's language.

Codes are machine-readable and never change meaning; messages may be reworded. Every error reply
and every refused change carries its ``code`` (what the client acts on), the message's key when
it is more precise than the code (``reason``: ``invalid_request`` says "malformed", ``bad_json``
says why) and the message's values by name (``params``). The client shows
:func:`message_for` ``(reason or code, **params)`` from its own catalog, in the clerk's language
(:func:`sync.client.errors.shown`); the Chinese ``message`` head office writes beside them is for
clients older than these keys, and for a key this client does not know (a newer head office).

A field named ``problem`` holds a message itself (a catalog source such as "数值过大"), shown
translated too, as is a refused change's ``detail`` when it is one; every other value (a header
name, an attachment's file name) is shown as sent.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.i18n import CHINESE, N_, t

MESSAGES: dict[str, str] = {
    # per-change rejections
    "hq_only": N_("此类记录只能由总部发布，支部设备不能修改。"),
    "unknown_kind": N_("未知的记录类型，请升级客户端。"),
    "bad_rev": N_("修订号与内容不符，记录可能已损坏，请联系管理员。"),
    "bad_signature": N_("签名验证失败，该修改不是由本设备签署的。"),
    "unknown_base": N_("服务器上找不到此修改所基于的版本，请联系管理员。"),
    "finalized": N_("该记录已定稿，不能再修改；如需更正，请新建更正记录。"),
    "finalize_conflict": N_("该记录在其他设备上已被修改，不能直接定稿；请先同步并处理冲突后再定稿。"),
    "invalid_body": N_("记录内容不符合格式要求。"),
    "record_elsewhere": N_("该记录属于其他支部，本设备无权修改。"),
    "counter_reused": N_("设备修改序号重复，请联系管理员。"),
    "too_many_conflicts": N_("该记录冲突版本过多，请先处理冲突后再修改。"),
    "too_large": N_("单条记录过大，无法同步。"),
    "invalid_change": N_("该修改不符合同步格式（如记录编号含有不允许的字符），总部未保存；其余修改不受影响。"),
    "too_deep": N_("记录内容嵌套层级过深，无法同步。"),
    "too_many_values": N_("记录内容包含的数据项过多，无法同步。"),
    # whole-request errors
    "upgrade_required": N_("请升级客户端。"),
    "unauthorized": N_("设备认证失败，请重新注册设备。"),
    "device_revoked": N_("此设备已被总部停用，无法同步。如有疑问请联系总部管理员。"),
    "forbidden": N_("无权访问。"),
    "invalid_request": N_("请求格式不正确。"),
    "bad_cursor": N_("同步位置无效，请重新同步。"),
    "payload_too_large": N_("请求过大，请减少每次同步的数量。"),
    "unsupported_encoding": N_("不支持的压缩格式。"),
    "pipeline_order": N_("上一页修改尚未在总部保存，本页将按顺序重新发送。"),
    "compact_mismatch": N_("总部的记录格式版本与本机不同，将改用完整格式重新发送。"),
    "invalid_code": N_("注册码无效。"),
    "code_expired": N_("注册码已过期，请向总部申请新的注册码。"),
    "code_used": N_("注册码已被使用，每个注册码只能使用一次。"),
    "device_exists": N_("该设备编号已注册。"),
    "not_found": N_("未找到。"),
    "internal_error": N_("服务器内部错误，请稍后重试。"),
    "request_timeout": N_("上传过慢或中断，请稍后重试。"),
    "rate_limited": N_("同步过于频繁，总部要求稍后再试。数据仍保存在本机，稍后会自动重试。"),
    "quota_exceeded": N_(
        "本设备在总部的存储配额已用完，新的修改暂时无法上传（数据仍完整保存在本机）。请联系总部管理员。"
    ),
    "blob_quota_exceeded": N_(
        "本支部在总部的附件存储配额已用完，附件暂时无法上传（记录照常同步，附件仍保存在本机）。请联系总部管理员。"
    ),
    "token_expired": N_("设备令牌已过期，正在自动续期。"),
    "reserved_id": N_("设备编号为保留字，不能使用。"),
    "weak_key": N_("设备公钥不安全（弱密钥），已拒绝注册。"),
    "insufficient_scope": N_("此管理令牌无权执行该操作。"),
    "database_unavailable": N_("总部数据库暂时不可用。"),
    # whole-request reasons, more precise than their code (sent as ``reason``, with ``params``)
    "bad_compression": N_("请求的 {encoding} 压缩数据无效。"),
    "bad_json": N_("请求不是有效的 JSON。"),
    "not_an_object": N_("请求应为 JSON 对象。"),
    "bad_text": N_("请求格式不正确：{problem}。"),
    "bad_public_key": N_("设备公钥格式不正确。"),
    "device_mismatch": N_("请求中的设备编号与设备令牌不符。"),
    "admin_token_invalid": N_("管理令牌无效、已过期或已吊销。"),
    "scope_needed": N_("此管理令牌无权执行该操作（需要权限 {scope}）。"),
    "blob_unknown": N_("总部没有这个附件，或本支部的记录未引用它。"),
    "bad_header": N_("缺少或无效的 {header} 头。"),
    "length_mismatch": N_("{header} 与记录中附件的大小不符。"),
    "blob_overrun": N_("追加的数据超出附件的声明大小。"),
    "unsupported_media_type": N_("{header} 应为 {expected}。"),
    "blob_complete": N_("总部已完整收到这个附件。"),
    "upload_not_started": N_("请先创建上传（{method}）。"),
    "offset_mismatch": N_("上传位置与总部已收到的不符。"),
    "blob_incomplete": N_("附件未上传完。"),
    "no_thumbnail": N_("这个附件没有缩略图。"),
    "device_not_found": N_("找不到设备：{device}"),
    "digest_mismatch": N_("上传的文件与记录中的附件摘要不符，已丢弃。"),
    "attachment_refused": N_("总部拒收附件“{name}”：{problem}"),
    "attachment_type_mismatch": N_("附件“{name}”的类型与记录所述不符。"),
    # per-change reasons, more precise than their code
    "empty_body": N_("记录内容为空。"),
    "base_not_parent": N_("修订号与内容不符：所基于的版本不在父版本之中，请联系管理员。"),
    # what a text value cannot hold (the ``problem`` of bad_text / invalid_body)
    "text_nul": N_("文本中含有空字符"),
    "text_surrogate": N_("文本中含有无法编码的代理字符"),
    "number_too_large": N_("数值过大"),
}
# A refused change's technical detail, after its message (the detail is shown as sent).
WITH_DETAIL = N_("{message}（{detail}）")


def message_for(code: str, lang: str | None = None, **params: object) -> str:
    """The message for ``code`` (or a reason) in ``lang`` (default: the shown language, :mod:`domain.i18n`),
    its named fields filled from ``params``; unknown codes as they are."""
    if code not in MESSAGES:
        return code
    if "problem" in params and isinstance(params["problem"], str):
        params = {**params, "problem": t(params["problem"], lang)}
    return t(MESSAGES[code], lang, **params)


def server_text(code: str, params: Mapping[str, object] | None = None) -> str:
    """What head office writes in a reply's ``message``: Chinese whatever the server's own language
    (the clerks' default, and all that clients older than ``reason``/``params`` can show)."""
    return message_for(code, CHINESE, **(params or {}))


def with_detail(message: str, detail: str, lang: str | None = None) -> str:
    return t(WITH_DETAIL, lang, message=message, detail=detail) if detail else message


def known(code: str | None) -> bool:
    return bool(code) and code in MESSAGES
