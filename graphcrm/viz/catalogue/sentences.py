"""The messages that write findings as sentences (risk signals, follow-ups) and the
pages' form errors."""

from __future__ import annotations

from typing import Final

SENTENCES: Final[dict[str, tuple[str, str]]] = {
    # risk signals in sentences (codes and values; graphcrm.analytics.signals)
    "sig_no_champion": (
        "Nobody on the committee champions the deal.",
        "Komitede fırsatı savunan kimse yok.",
    ),
    "sig_champion_left": (
        "Champion {names} left the company.",
        "Savunucu {names} şirketten ayrıldı.",
    ),
    "sig_weak_champion": (
        "The strongest champion, {names}, is weak.",
        "En güçlü savunucu {names} zayıf.",
    ),
    "sig_economic_buyer_unknown": ("No economic buyer is known.", "Bütçe sahibi bilinmiyor."),
    "sig_economic_buyer_left": (
        "The economic buyer {names} left the company.",
        "Bütçe sahibi {names} şirketten ayrıldı.",
    ),
    "sig_economic_buyer_not_engaged": (
        "The economic buyer {names} is not engaged (health {health}).",
        "Bütçe sahibi {names} ile etkileşim zayıf (sağlık {health}).",
    ),
    "sig_economic_buyer_hostile": (
        "The economic buyer {names} is against us ({stance}).",
        "Bütçe sahibi {names} bize karşı ({stance}).",
    ),
    "sig_champion_no_path_to_economic_buyer": (
        "No path from the champion to the economic buyer through influence or shared"
        " touchpoints: {names}.",
        "Savunucudan bütçe sahibine etki ya da ortak temas üzerinden yol yok: {names}.",
    ),
    "sig_single_threaded": (
        "Single-threaded: {names} carries most of the last 90 days' touchpoints.",
        "Tek bağlantılı: son 90 günün temaslarının çoğu {names} üzerinden.",
    ),
    "sig_opponent": (
        "High-influence opponents: {names}.",
        "Etkisi yüksek karşı çıkanlar: {names}.",
    ),
    "sig_decision_makers_uncovered": (
        "Top decision makers not covered: {names}.",
        "Bağ kurulmamış üst karar vericiler: {names}.",
    ),
    "sig_stale_engagement": (
        "{days} days since the last touchpoint (with {names}).",
        "Son temastan ({names}) bu yana {days} gün.",
    ),
    "sig_stale_none": ("No touchpoint on record.", "Kayıtlı temas yok."),
    "sig_stakeholder_churn": (
        "Stakeholder changes in the last {window} days: {names}.",
        "Son {window} günde paydaş değişiklikleri: {names}.",
    ),
    "sig_stage_regression": ("The stage moved backwards.", "Aşama geriye gitti."),
    "sig_close_date_slipped": (
        "The expected close slipped.",
        "Beklenen kapanış tarihi ileri kaydı.",
    ),
    "sig_gridlock": (
        "The committee is split, for and against: {names}.",
        "Komite lehte ve aleyhte bölünmüş: {names}.",
    ),
    # follow-ups in sentences (graphcrm.analytics.followup)
    "fu_contact_never": (
        "{name} ({roles} on {deal}): never contacted",
        "{name} ({deal} fırsatında {roles}): hiç temas yok",
    ),
    "fu_contact": (
        "{name} ({roles} on {deal}): {days} days since the last touchpoint, cadence {cadence} days",
        "{name} ({deal} fırsatında {roles}): son temastan bu yana {days} gün, olağan aralık"
        " {cadence} gün",
    ),
    "fu_deal_never": (
        "{deal} ({stage}): no touchpoint on record",
        "{deal} ({stage}): kayıtlı temas yok",
    ),
    "fu_deal": (
        "{deal} ({stage}): {days} days since the last touchpoint, cadence {cadence} days",
        "{deal} ({stage}): son temastan bu yana {days} gün, olağan aralık {cadence} gün",
    ),
    # form errors
    "invalid_field": ("{field}: {message}", "{field}: {message}"),
    "not_committee_member": (
        "not an active member of the committee",
        "komitenin aktif bir üyesi değil",
    ),
    "invalid_value": ("invalid value", "geçersiz değer"),
}
