"""The base every record schema builds on, apart from the record kinds themselves.

It lives in its own module so that :mod:`domain.attachments` (whose references every record body
carries) and :mod:`domain.records` can both use it without importing each other in a circle.
:mod:`domain.records` re-exports these names, where existing code finds them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class DomainModel(BaseModel):
    """Base of every body: strict about unknown fields so typos in imports are reported."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False, use_enum_values=False)
