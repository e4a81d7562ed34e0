"""External ids. Every object is keyed by the id of the system it came from."""

from __future__ import annotations

from typing import Annotated, NewType

from pydantic import Field

AccountId = NewType("AccountId", str)
ContactId = NewType("ContactId", str)
DealId = NewType("DealId", str)
RepId = NewType("RepId", str)
TouchpointId = NewType("TouchpointId", str)

_ID = Field(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f]+$")

AccountKey = Annotated[AccountId, _ID]
ContactKey = Annotated[ContactId, _ID]
DealKey = Annotated[DealId, _ID]
RepKey = Annotated[RepId, _ID]
TouchpointKey = Annotated[TouchpointId, _ID]
