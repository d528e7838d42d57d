"""Store failures as types, each with a Chinese message the UI and CLI can show as is."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every store failure; ``message`` is for the user (Chinese)."""

    message: str = "数据存储出错"

    def __init__(self, message: str | None = None, *, detail: str = "") -> None:
        if message is not None:
            self.message = message
        self.detail = detail
        super().__init__(f"{self.message}{' (' + detail + ')' if detail else ''}")


class StoreNotFound(StoreError):
    message = "在指定位置没有找到台账数据"


class StoreExists(StoreError):
    message = "该位置已有台账数据，不能覆盖"


class WrongPassphrase(StoreError):
    message = "密码不正确，请重新输入"


class WrongRecoveryKey(StoreError):
    message = "恢复密钥不正确"


class StoreCorrupted(StoreError):
    message = "数据文件已损坏或不是本程序的数据文件，原文件未做任何修改"


class KeyFileUnsupported(StoreError):
    message = "密钥文件的版本过新，请升级程序"


class StoreNewerThanApp(StoreError):
    message = "数据由更新版本的程序创建，请升级程序后再打开"


class WeakPassphrase(StoreError):
    message = "密码太短：至少需要 8 个字符"


class RecordNotFound(StoreError):
    message = "没有找到该记录"


class RecordFinalized(StoreError):
    message = "该记录已定稿，不能修改；如需更正，请新建更正记录"


class StaleRevision(StoreError):
    message = "该记录已被其他操作修改，请重新打开后再编辑"


class RecordConflicted(StoreError):
    message = "该记录存在同步冲突，请先在“同步”页面处理冲突"


class ReadOnlyKind(StoreError):
    message = "该类记录由上级党委下发，本机不能修改"
