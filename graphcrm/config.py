"""Settings, read from ``GRAPHCRM_*`` environment variables when asked for.

Nothing here runs at import time: call :func:`get_settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graphcrm.errors import InvalidError, Problem

CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
"""An ISO 4217 code, as a deal's ``currency``."""
Rate = Annotated[float, Field(gt=0, allow_inf_nan=False)]
PositiveDays = Annotated[float, Field(gt=0, le=3660, allow_inf_nan=False)]


class Rates(BaseModel):
    """Exchange rates into one report currency (``GRAPHCRM_FX_*``).

    ``per_unit[c]`` is what one unit of ``c`` is worth in ``currency``: with
    ``currency="TRY"`` and ``per_unit={"EUR": 37.1}``, 100 EUR is 3,710 TRY.
    An amount in a currency without a rate is not converted (:meth:`convert`
    answers None): the caller lists it as a problem, never converts it at 1.

    >>> r = Rates(currency="TRY", per_unit={"EUR": 37.1}, as_of=date(2026, 1, 5))
    >>> r.convert(Decimal("100"), "EUR"), r.convert(Decimal("100"), "TRY"), r.convert(1, "USD")
    (3710.0, 100.0, None)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    currency: CurrencyCode = "TRY"
    per_unit: dict[CurrencyCode, Rate] = Field(default_factory=dict)
    as_of: date | None = None
    """The date the rates were taken (shown beside every converted figure)."""

    @model_validator(mode="after")
    def _own_currency_is_one(self) -> Rates:
        own = self.per_unit.get(self.currency)
        if own is not None and own != 1.0:
            raise ValueError(f"the rate of the report currency {self.currency} must be 1")
        return self

    def rate(self, currency: str) -> float | None:
        """One unit of ``currency`` in the report currency (None: no rate)."""
        return 1.0 if currency == self.currency else self.per_unit.get(currency)

    def convert(self, amount: Decimal | float, currency: str) -> float | None:
        """``amount`` of ``currency`` in the report currency (None: no rate)."""
        rate = self.rate(currency)
        return None if rate is None else round(float(amount) * rate, 2)


def default_sqlite_path() -> Path:
    """``$XDG_DATA_HOME/graphcrm/graphcrm.sqlite3`` (``~/.local/share`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "graphcrm" / "graphcrm.sqlite3"


class Settings(BaseSettings):
    """graphcrm's settings. Every field is documented in ``docs/operations.md``."""

    model_config = SettingsConfigDict(env_prefix="GRAPHCRM_", extra="ignore")

    store: SecretStr = Field(
        default=SecretStr(""),
        description="Store URL: sqlite:///path, neo4j://user:password@host:7687/db or bolt://...; "
        "empty means the embedded SQLite store at the default path.",
    )
    actor: str = Field(default="cli", description="Name recorded in the change log for CLI writes.")
    keys_path: str = Field(
        default="",
        description="SQLite file of the API keys; empty means beside the SQLite store "
        "(<store>.keys.sqlite3), or beside the default store when the graph is in Neo4j.",
    )
    api_host: str = Field(default="127.0.0.1", description="Address `graphcrm serve` binds.")
    api_port: int = Field(default=8000, ge=0, le=65535, description="Port `graphcrm serve` binds.")
    api_max_body_bytes: int = Field(
        default=10 * 2**20, ge=1024, description="Largest request body the API accepts (413)."
    )
    api_max_batch_rows: int = Field(
        default=5000,
        ge=1,
        description="Most rows one write request (/v1/batch, ...) may carry (413).",
    )
    api_max_page_size: int = Field(
        default=500, ge=1, le=1000, description="Largest `limit` a list endpoint accepts (422)."
    )
    api_cache_ttl_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long an analytics result about the present stays cached "
        "(results for a past as_of stay until a write invalidates them); 0 turns caching off.",
    )
    api_freshness_seconds: float = Field(
        default=0.0,
        ge=0,
        le=0.5,
        allow_inf_nan=False,
        description="How stale a worker's view of writes made by other workers and hosts may "
        "be: 0 reads the store's watermark for every burst of requests (a read that starts "
        "after any write's response sees it); up to 0.5 s skips that read while the last one "
        "is younger, within the 1 s bound across hosts "
        "(docs/operations.md#several-workers-and-hosts).",
    )
    api_cache_max_entries: int = Field(
        default=2048, ge=0, description="Most analytics results kept in the in-process cache."
    )
    api_expensive_concurrent: int = Field(
        default=2,
        ge=0,
        description="Most expensive requests (what-if, warm paths, follow-ups, exports, "
        "imports, forecasts) one key may have in flight at once in one worker (429 beyond); "
        "0: no limit.",
    )
    api_expensive_per_minute: float = Field(
        default=60.0,
        ge=0,
        allow_inf_nan=False,
        description="Expensive requests one key may start per minute in one worker, on "
        "average (429 with Retry-After beyond); 0: no limit.",
    )
    api_expensive_burst: int = Field(
        default=10,
        ge=1,
        description="Expensive requests one key may start at once before the per-minute "
        "rate applies (the token bucket's size).",
    )
    fx_currency: CurrencyCode = Field(
        default="TRY", description="The currency forecasts are reported in (ISO 4217)."
    )
    fx_rates: dict[CurrencyCode, Rate] = Field(
        default_factory=dict,
        description='Exchange rates as JSON, {"USD": 34.2, "EUR": 37.1}: one unit is worth '
        "that much of GRAPHCRM_FX_CURRENCY. A deal in a currency without a rate is left out "
        "of forecasts and listed as a problem.",
    )
    fx_as_of: date | None = Field(
        default=None, description="The date the rates were taken (YYYY-MM-DD), shown with them."
    )

    alert_win_drop: float = Field(
        default=0.10,
        gt=0,
        le=1,
        description="An alert when a deal's win probability fell by more than this "
        "(absolute: 0.10 is ten points) over GRAPHCRM_ALERT_WINDOW_DAYS.",
    )
    alert_window_days: int = Field(
        default=7, ge=1, le=366, description="The days the win-probability drop is measured over."
    )
    alert_eb_silent_days: dict[str, PositiveDays] = Field(
        default_factory=dict,
        description="Days an economic buyer may go without a touchpoint, by sector, as JSON "
        '{"saas": 21}: these replace the shipped table\'s entries '
        "(graphcrm.services.alerts.EB_SILENT_DAYS); other sectors keep theirs.",
    )
    alert_default_eb_silent_days: PositiveDays = Field(
        default=45.0, description="The same for a sector in neither table."
    )

    territory_block_conflicts: frozenset[
        Literal["split_group", "duplicate", "rival_deals", "touchpoint"]
    ] = Field(
        default=frozenset(),
        description="Territory conflicts that block the write creating them (a 409 "
        'problem naming the conflict), as JSON ["split_group", "rival_deals"]; '
        "empty: conflicts are only reported (docs/territories.md#prevention).",
    )

    @model_validator(mode="after")
    def _rates_agree(self) -> Settings:
        self.rates()  # the report currency's own rate, when given, must be 1
        return self

    def rates(self) -> Rates:
        """The exchange rates of ``GRAPHCRM_FX_*``."""
        return Rates(currency=self.fx_currency, per_unit=self.fx_rates, as_of=self.fx_as_of)


def get_settings() -> Settings:
    return Settings()


@dataclass(frozen=True, slots=True)
class StoreURL:
    """A parsed store URL. ``str()`` and ``redacted`` never show the password."""

    scheme: str
    path: Path | None = None
    host: str = ""
    port: int | None = None
    user: str | None = None
    password: SecretStr | None = None
    database: str | None = None

    @property
    def redacted(self) -> str:
        if self.scheme == "sqlite":
            return f"sqlite:///{self.path}"
        auth = f"{self.user}:***@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        db = f"/{self.database}" if self.database else ""
        return f"{self.scheme}://{auth}{self.host}{port}{db}"

    @property
    def server_uri(self) -> str:
        """The URI without credentials or database, as the driver wants it."""
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{self.host}{port}"

    def __str__(self) -> str:
        return self.redacted

    __repr__ = __str__


NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def parse_store_url(raw: str) -> StoreURL:
    """Parse ``GRAPHCRM_STORE``.

    >>> parse_store_url("sqlite:///tmp/x.db").path
    PosixPath('/tmp/x.db')
    >>> parse_store_url("sqlite:var/x.db").path
    PosixPath('var/x.db')
    >>> str(parse_store_url("neo4j://neo4j:s3cret@db.example:7687/crm"))
    'neo4j://neo4j:***@db.example:7687/crm'
    """
    if not raw:
        return StoreURL(scheme="sqlite", path=default_sqlite_path())
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///abs/path.db is absolute (like file:// URLs); sqlite:rel/path.db is relative.
        path = unquote(parts.path)
        if parts.netloc or not path.strip("/"):
            raise InvalidError(
                [
                    Problem(
                        "GRAPHCRM_STORE",
                        "path",
                        "expected sqlite:///absolute/path or sqlite:rel/path",
                    )
                ]
            )
        return StoreURL(scheme="sqlite", path=Path(path))
    if scheme in NEO4J_SCHEMES:
        try:
            port = parts.port
        except ValueError as e:
            raise InvalidError([Problem("GRAPHCRM_STORE", "port", str(e))]) from None
        if not parts.hostname:
            raise InvalidError([Problem("GRAPHCRM_STORE", "host", "missing host name")])
        database = parts.path.strip("/") or None
        return StoreURL(
            scheme=scheme,
            host=parts.hostname,
            port=port,
            user=unquote(parts.username) if parts.username else None,
            password=SecretStr(unquote(parts.password)) if parts.password is not None else None,
            database=database,
        )
    raise InvalidError(
        [
            Problem(
                "GRAPHCRM_STORE",
                "scheme",
                f"unsupported scheme {scheme!r}; use sqlite, neo4j or bolt",
            )
        ]
    )
