"""Stable result codes and the Chinese messages the clerk sees for each.

Codes are machine-readable and never change meaning; messages may be reworded.
"""

from __future__ import annotations

from domain.i18n import N_, t

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
}


def message_for(code: str) -> str:
    """The message for ``code`` in the shown language (:mod:`domain.i18n`); unknown codes as they are."""
    return t(MESSAGES[code]) if code in MESSAGES else code
