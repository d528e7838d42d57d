"""Store failures as types, each with a message the UI and CLI can show as is (a
:class:`domain.errors.LedgerError`).

The messages are written in Chinese and marked for the catalog (``N_``); an instance carries its
message in the shown language (:mod:`domain.i18n`), looked up when it is raised.
"""

from __future__ import annotations

from domain.errors import LedgerError
from domain.i18n import N_, t


class StoreError(LedgerError):
    """Base of every store failure; ``message`` is for the user (Chinese), ``detail`` technical."""

    message: str = N_("数据存储出错")


class StoreNotFound(StoreError):
    message = N_("在指定位置没有找到台账数据")


class StoreExists(StoreError):
    message = N_("该位置已有台账数据，不能覆盖")


class WrongPassphrase(StoreError):
    message = N_("密码不正确，请重新输入")


class WrongRecoveryKey(StoreError):
    message = N_("恢复密钥不正确")


class StoreCorrupted(StoreError):
    message = N_("数据文件已损坏或不是本程序的数据文件，原文件未做任何修改")


class KeyFileUnsupported(StoreError):
    message = N_("密钥文件的版本过新，请升级程序")


class StoreNewerThanApp(StoreError):
    message = N_("数据由更新版本的程序创建，请升级程序后再打开")


class WeakPassphrase(StoreError):
    message = N_("密码太短：至少需要 8 个字符")


class RecordNotFound(StoreError):
    message = N_("没有找到该记录")


class RecordFinalized(StoreError):
    message = N_("该记录已定稿，不能修改；如需更正，请新建更正记录")


class StaleRevision(StoreError):
    message = N_("该记录已被其他操作修改，请重新打开后再编辑")


class RecordConflicted(StoreError):
    message = N_("该记录存在同步冲突，请先在“同步”页面处理冲突")


class ReadOnlyKind(StoreError):
    message = N_("该类记录由上级党委下发，本机不能修改")


class KeyFileMissing(StoreError):
    message = N_("找到了数据文件，但缺少密钥文件 ledger.keys。请从备份恢复（备份中带有密钥文件的副本）")


class KeySlotDamaged(StoreError):
    """One slot of the key file fails its checksum: damage, not a wrong passphrase."""

    message = N_("密钥文件中保存密码的部分已损坏（不是密码错误）。请用恢复密钥解锁，或从备份恢复")

    def __init__(self, message: str | None = None, *, slot: str = "passphrase", detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.slot = slot


class UnlockThrottled(StoreError):
    """Too many wrong passphrases in a row: wait before the next attempt (see attempts.py)."""

    message = N_("密码错误次数过多")

    def __init__(self, wait_seconds: int, failures: int, *, tampered: bool = False) -> None:
        self.wait_seconds = wait_seconds
        self.failures = failures
        self.tampered = tampered
        if tampered:
            text = t("密码尝试记录缺失或被改动，按多次输错处理：请等待 {seconds} 秒后再试", seconds=wait_seconds)
        else:
            text = t("密码已连续输错 {failures} 次，请等待 {seconds} 秒后再试", failures=failures, seconds=wait_seconds)
        super().__init__(text)


class StoreDamaged(StoreCorrupted):
    """The database failed its integrity check. Its files were moved aside untouched (``aside``),
    so nothing can write into them; the clerk is offered salvage (see salvage.py)."""

    message = N_(
        "数据文件已损坏，已原样移到一旁保存，未做任何修改。"
        "可以导出仍可读取的记录、从备份恢复，或从上级党委重新下载"
    )

    def __init__(self, message: str | None = None, *, aside: str = "", detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.aside = aside


class MediumError(StoreError, OSError):
    """A problem of the disk or stick the data is on; still an OSError for code that expects one."""


class DiskFull(MediumError):
    message = N_("磁盘空间已满，本次操作没有保存。请清理磁盘空间后再试，已保存的内容不受影响")


class ReadOnlyMedia(MediumError):
    message = N_("数据所在的磁盘或文件夹是只读的，无法写入。请检查 U 盘的写保护开关或文件夹权限")


class StoreBusy(StoreError):
    message = N_("数据正被另一个程序使用（例如同时运行的同步任务），请稍后再试")


class StoreIOError(MediumError):
    message = N_("读写数据文件时出错（磁盘或 U 盘可能已拔出或损坏），本次操作没有保存")


class BackupError(StoreError):
    message = N_("备份失败")


class BackupNotFound(BackupError):
    message = N_("没有找到该备份")


class BackupDamaged(BackupError):
    message = N_("该备份已损坏或不完整，不能用于恢复")


class InvalidRecordId(StoreError):
    """A record id outside the sync wire format (sync/protocol/wire.py ``Id``)."""

    message = N_("记录编号格式不正确：只能使用英文字母、数字和 _ . : -，最长 64 个字符")
