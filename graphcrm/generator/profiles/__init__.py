"""The sector profiles: how each of our markets organises itself and buys.

Each profile fixes the departments an account has (with Turkish and English
names and titles), its C-suite, the template of a buying committee, the sales
cycle length, touchpoint cadence, staff turnover, deal sizes, competitors and
the words of deal names, loss reasons and touchpoint summaries.

==================  =================================================  =============
sector              who decides                                        cycle (days)
==================  =================================================  =============
manufacturing       production, purchasing, quality, finance           45-90
textile_retail      merchandising, buying, category managers           90-120
construction        project manager, architect, engineer, investor,    180-365
                    tender committee
saas                CTO / IT director, CFO, business owner, security   90-180
==================  =================================================  =============

>>> PROFILES[Sector.MANUFACTURING].cycle_days
(45, 90)
>>> PROFILES[Sector.TEXTILE_RETAIL].department("category").manager_tr
'Kategori Müdürü'
"""

from __future__ import annotations

from typing import Final

from graphcrm.generator.profiles.construction import CONSTRUCTION
from graphcrm.generator.profiles.manufacturing import MANUFACTURING
from graphcrm.generator.profiles.saas import SAAS
from graphcrm.generator.profiles.textile_retail import TEXTILE_RETAIL
from graphcrm.generator.sectors import Sector, SectorProfile

__all__ = ["CONSTRUCTION", "MANUFACTURING", "PROFILES", "SAAS", "TEXTILE_RETAIL"]

PROFILES: Final[dict[Sector, SectorProfile]] = {
    p.sector: p for p in (MANUFACTURING, TEXTILE_RETAIL, CONSTRUCTION, SAAS)
}
