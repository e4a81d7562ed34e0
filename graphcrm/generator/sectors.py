"""The shape of a sector profile (:class:`SectorProfile`: departments, executives,
committee slots, cadence, deal sizes, words) and the names every sector shares; the
profiles themselves are :mod:`graphcrm.generator.profiles`, one module per sector.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from graphcrm.domain import Role, TouchpointKind


class Sector(StrEnum):
    """The sectors of our market; ``Account.sector`` carries the value."""

    MANUFACTURING = "manufacturing"
    TEXTILE_RETAIL = "textile_retail"
    CONSTRUCTION = "construction"
    SAAS = "saas"


@dataclass(frozen=True, slots=True)
class Department:
    """A department, its names and the titles of its people.

    ``unit_*`` is the stem of titles ("Kalite" -> "Kalite Müdürü", "Quality
    Manager"); ``manager_*`` overrides the manager title where the trade has its
    own ("Kategori Müdürü", "Project Manager").
    """

    key: str
    tr: str
    en: str
    weight: float
    ic_tr: tuple[str, ...]
    ic_en: tuple[str, ...]
    unit_tr: str = ""
    unit_en: str = ""
    manager_tr: str = ""
    manager_en: str = ""

    def __post_init__(self) -> None:
        if not self.unit_tr:
            object.__setattr__(self, "unit_tr", self.tr)
        if not self.unit_en:
            object.__setattr__(self, "unit_en", self.en)
        if not self.manager_tr:
            object.__setattr__(self, "manager_tr", f"{self.unit_tr} Müdürü")
        if not self.manager_en:
            object.__setattr__(self, "manager_en", f"{self.unit_en} Manager")

    def title(self, level: int, tr: bool, pick: int) -> str:
        """The title of someone at seniority ``level`` (2 = VP .. 5 = IC) here."""
        if level == 2:
            return f"Genel Müdür Yardımcısı ({self.unit_tr})" if tr else f"VP {self.unit_en}"
        if level == 3:
            return f"{self.unit_tr} Direktörü" if tr else f"{self.unit_en} Director"
        if level == 4:
            return self.manager_tr if tr else self.manager_en
        titles = self.ic_tr if tr else self.ic_en
        return titles[pick % len(titles)]


@dataclass(frozen=True, slots=True)
class Executive:
    """A C-level role that heads department ``dept``."""

    dept: str
    tr: str
    en: str


@dataclass(frozen=True, slots=True)
class Slot:
    """One seat of the buying-committee template.

    ``levels`` is the range of seniority levels (1 = C-level .. 5 = individual
    contributor) looked for in ``depts``; ``most_senior`` picks the most senior
    candidate instead of a random one.
    """

    roles: frozenset[Role]
    depts: tuple[str, ...]
    levels: tuple[int, int]
    most_senior: bool = False


@dataclass(frozen=True, slots=True)
class SectorProfile:
    """Everything the generator knows about one sector."""

    sector: Sector
    departments: tuple[Department, ...]
    core: int
    c_suite: tuple[Executive, ...]
    committee: tuple[Slot, ...]
    extra_roles: tuple[Role, ...]
    extra_depts: tuple[str, ...]
    cycle_days: tuple[int, int]
    touch_gap_days: float
    departure_rate: float
    rotation_depts: frozenset[str]
    champion_loss_rate: float
    role_change_rate: float
    blocker_rate: float
    blocker_depts: tuple[str, ...]
    amount_tiers_try: tuple[tuple[float, float], ...]
    deal_titles_tr: tuple[str, ...]
    deal_titles_en: tuple[str, ...]
    competitors: tuple[str, ...]
    loss_reasons_tr: tuple[str, ...]
    loss_reasons_en: tuple[str, ...]
    summaries_tr: tuple[str, ...]
    summaries_en: tuple[str, ...]
    kind_weights: tuple[tuple[TouchpointKind, float], ...]
    words_tr: tuple[str, ...]
    words_de: tuple[str, ...]
    words_en: tuple[str, ...]
    _by_key: dict[str, Department] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({d.key: d for d in self.departments})

    def department(self, key: str) -> Department:
        return self._by_key[key]

    def has_department(self, key: str) -> bool:
        return key in self._by_key


EXECUTIVE_DEPT_TR: Final = "Genel Müdürlük"
EXECUTIVE_DEPT_EN: Final = "Executive Management"
CEO_TR: Final = "Genel Müdür"
CEO_EN: Final = "Chief Executive Officer"

CONSTRUCTION_PROJECTS_TR: Final = (
    "Ataşehir Konut Projesi",
    "Kartal Ofis Kulesi",
    "İzmir Lojistik Merkezi",
    "Ankara Şehir Hastanesi Ek Binası",
    "Bursa OSB Fabrika Binası",
    "Antalya Otel Kompleksi",
    "Trabzon Karma Yaşam Projesi",
    "Gaziantep Alışveriş Merkezi",
    "Eskişehir Kampüs Projesi",
)
CONSTRUCTION_PROJECTS_EN: Final = (
    "Riverside Residences",
    "Harbour Office Tower",
    "North Logistics Hub",
    "City Hospital Campus",
    "Westgate Retail Park",
    "Lakeside Mixed-Use Scheme",
    "Airport Business Park",
)
