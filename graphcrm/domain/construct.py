"""Building domain rows without validation, for values already known to be valid.

The generator (values it guarantees) and the store adapters (rows read back
from their own database, which passed validation on the way in) use this.

``Model.model_construct`` skips validation but still walks every field looking
for aliases and defaults. The generator always passes every field, so
:func:`construct` does only what ``model_construct`` ends up doing in that
case: set ``__dict__`` and the fields-set (every field), and leave extra and
private state empty. It is kept because the portfolio's reads are a fifth
faster for it (``./dev bench speedups``; docs/benchmarks.md, "Speed-ups
against the 10 % rule"); ``tests/unit/generator/test_rows.py`` compares it
with ``model_construct``.

All rows of one model share one fields-set object. That is safe because the
models are frozen: pydantic adds to a fields-set in place only on attribute
assignment (refused for frozen models) and on the *copy* it makes in
``model_copy``. It also matters: a fresh set per row is one more object for
the cyclic garbage collector to trace, and made generation half as fast.

:func:`check_constructible` refuses a model for which any of this would not
hold (not frozen, aliases, private attributes, ``model_post_init``, extra
fields allowed); the generator's tests compare :func:`construct` with
``model_construct`` and re-validate a sample of every kind.
"""

from __future__ import annotations

from typing import Any, TypeVar

from graphcrm.domain.base import Model

M = TypeVar("M", bound=Model)

_new = object.__new__
_set = object.__setattr__

_FIELDS_SET: dict[type[Model], set[str]] = {}


def check_constructible(cls: type[Model]) -> None:
    """Raise ``TypeError`` if :func:`construct` would differ from ``model_construct``."""
    if not cls.model_config.get("frozen"):
        raise TypeError(f"{cls.__name__} is not frozen")
    if cls.model_config.get("extra") == "allow":
        raise TypeError(f"{cls.__name__} allows extra fields")
    if cls.__private_attributes__:
        raise TypeError(f"{cls.__name__} has private attributes")
    if cls.__pydantic_post_init__:
        raise TypeError(f"{cls.__name__} has model_post_init")
    for name, info in cls.model_fields.items():
        if info.alias is not None or info.validation_alias is not None:
            raise TypeError(f"{cls.__name__}.{name} has an alias")


def construct(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of ``cls`` holding ``values`` (every field, in field order), unvalidated."""
    fields = _FIELDS_SET.get(cls)
    if fields is None:
        check_constructible(cls)
        fields = _FIELDS_SET[cls] = set(cls.model_fields)
    row = _new(cls)
    _set(row, "__dict__", values)
    _set(row, "__pydantic_fields_set__", fields)
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row
