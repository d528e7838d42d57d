from __future__ import annotations

import pytest

from printing.fonts import FontSet, bundled_fonts


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    """The bundled fonts: the same glyph coverage on every machine, so results are deterministic."""
    return bundled_fonts()
