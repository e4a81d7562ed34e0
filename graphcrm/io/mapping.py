"""Custom picklists: how an org's own role, stage and pipeline values map onto graphcrm's.

Real CRM orgs customise their picklists: a ``Champion`` or ``Coach`` contact
role, a ``Discovery`` stage, a ``Renewals`` pipeline with stages of its own.
A mapping file (TOML) says what they mean::

    [roles]                       # source value -> one or more graphcrm roles
    "Technical Evaluator" = ["technical_buyer", "evaluator"]
    "Sponsor" = "executive_sponsor"

    [stages]                      # source value -> graphcrm stage
    "Discovery" = "needs_analysis"

    [pipelines."Renewals".stages] # stages of one pipeline (override [stages])
    "Renewal Due" = "negotiation"

Values are matched as the stage tables are (case, spaces and punctuation
folded: ``Closed Won`` = ``closedwon``). Lookups go: the file's pipeline
table, its ``[stages]``, then the format's defaults; roles: the file's
``[roles]``, then :data:`DEFAULT_ROLES`, then the format's table.

>>> m = CrmMapping.from_toml('roles.Coach = "influencer"\\nstages.Discovery = "needs_analysis"')
>>> sorted(r.value for r in m.roles_of("coach"))
['influencer']
>>> m.stage_of("DISCOVERY", pipeline=None).value
'needs_analysis'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

from pydantic import BeforeValidator, Field, PrivateAttr, ValidationError

from graphcrm.domain import Model, Stage
from graphcrm.domain.roles import Role
from graphcrm.domain.text import read_toml
from graphcrm.errors import InvalidError, Problem
from graphcrm.io.values import stage_key

DEFAULT_ROLES: Final[dict[str, frozenset[Role]]] = {
    "Champion": frozenset({Role.CHAMPION}),
    "Coach": frozenset({Role.CHAMPION}),
}
"""Custom role values so common that graphcrm maps them without a file."""

MAX_MAPPING_BYTES: Final = 1_000_000


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


RoleList = Annotated[frozenset[Role], BeforeValidator(_as_list), Field(min_length=1)]


class PipelineMapping(Model):
    """The stages of one pipeline."""

    stages: dict[Annotated[str, Field(min_length=1, max_length=200)], Stage] = Field(
        default_factory=dict
    )


class CrmMapping(Model):
    """An org's picklist values -> graphcrm's vocabularies (see the module docstring)."""

    roles: dict[Annotated[str, Field(min_length=1, max_length=200)], RoleList] = Field(
        default_factory=dict
    )
    stages: dict[Annotated[str, Field(min_length=1, max_length=200)], Stage] = Field(
        default_factory=dict
    )
    pipelines: dict[Annotated[str, Field(min_length=1, max_length=200)], PipelineMapping] = Field(
        default_factory=dict
    )

    _roles: dict[str, frozenset[Role]] = PrivateAttr(default_factory=dict)
    _stages: dict[str | None, dict[str, Stage]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        """Fold every key once, for lookups."""
        self._roles = {stage_key(k): v for k, v in (DEFAULT_ROLES | self.roles).items()}
        self._stages = {None: {stage_key(k): v for k, v in self.stages.items()}}
        for name, p in self.pipelines.items():
            self._stages[stage_key(name)] = self._stages[None] | {
                stage_key(k): v for k, v in p.stages.items()
            }

    @classmethod
    def from_toml(cls, text: str | bytes, *, source: str = "mapping") -> CrmMapping:
        """Parse a mapping file.

        Raises
        ------
        InvalidError
            Not TOML, an unknown section, or a value that is not a graphcrm
            role or stage; each problem names the file and the key.
        """
        data = read_toml(text, source=source, max_bytes=MAX_MAPPING_BYTES)
        try:
            return cls.model_validate(data)
        except ValidationError as e:
            problems = []
            for err in e.errors(include_url=False):
                key = ".".join(str(part) for part in err["loc"])
                message = err["msg"]
                if err["type"] == "extra_forbidden":
                    message = "unknown key; the sections are [roles], [stages], [pipelines.NAME]"
                elif err["type"] == "enum":
                    message = f"{message}, got {err.get('input')!r}"
                problems.append(Problem(source, key, message))
            raise InvalidError(problems) from None

    @classmethod
    def load(cls, path: Path) -> CrmMapping:
        """:meth:`from_toml` of a file on disk."""
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InvalidError([Problem(str(path), "", f"cannot read: {e.strerror}")]) from None
        return cls.from_toml(data, source=path.name)

    # --- lookups ---------------------------------------------------------------

    def roles_of(self, value: str) -> frozenset[Role] | None:
        """The file's roles for ``value``, else :data:`DEFAULT_ROLES`'; None if neither has it."""
        return self._roles.get(stage_key(value))

    def stage_of(self, value: str, *, pipeline: str | None) -> Stage | None:
        """The file's stage for ``value`` (in ``pipeline``'s table first); None if it has none."""
        table = self._stages.get(stage_key(pipeline) if pipeline else None) or self._stages[None]
        return table.get(stage_key(value))


NO_MAPPING: Final = CrmMapping()
"""The mapping used without a file: :data:`DEFAULT_ROLES` only."""
