"""The catalogs' build script (``resources/translations/build.py``) as a module, for the tests that
reuse its checks (``CJK``, ``english_words``, ``check()``, the literal guard).

It is a script run by hand and by the test command, not a package module, so it is loaded from its
file; once per test process, because the walks in several test files use it.
"""

from __future__ import annotations

import functools
import importlib.util
from types import ModuleType

from resources.locate import resource_path


@functools.cache
def build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("translations_build", resource_path("translations", "build.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
