"""The messages of the views: labels, the win probability block, the org chart's
cards and the influence map's tools (``graphcrm-viz.js``)."""

from __future__ import annotations

from typing import Final

VIEWS: Final[dict[str, tuple[str, str]]] = {
    # views
    "org_chart": ("Org chart", "Organizasyon şeması"),
    "influence_map": ("Influence map", "Etki haritası"),
    "deal_view": ("Buying committee", "Satın alma komitesi"),
    "as_of": ("As of", "Tarih itibarıyla"),
    "title": ("Title", "Unvan"),
    "department": ("Department", "Departman"),
    "seniority": ("Seniority", "Kıdem"),
    "status": ("Status", "Durum"),
    "roles": ("Roles", "Roller"),
    "stance": ("Stance", "Tutum"),
    "influence": ("Influence", "Etki"),
    "authority": ("Authority", "Yetki"),
    "brokerage": ("Brokerage", "Aracılık"),
    "engagement": ("Engagement", "Etkileşim"),
    "health": ("Health", "Sağlık"),
    "decision_maker": ("Decision-maker score", "Karar verici puanı"),
    "left_company": ("left the company", "şirketten ayrıldı"),
    "active": ("active", "aktif"),
    "hidden_influencer": ("Hidden influencer", "Gizli etkileyici"),
    "our_rep": ("Our rep", "Temsilcimiz"),
    "warm_path": ("Strongest warm path", "En güçlü sıcak yol"),
    "no_warm_path": ("No warm path found", "Sıcak yol bulunamadı"),
    "risk_signals": ("What was seen", "Görülenler"),
    "no_signals": ("No warning signal.", "Uyarı işareti yok."),
    "points": ("points", "puan"),
    # win probability (graphcrm.viz.win)
    "win_probability": ("Win probability", "Kazanma olasılığı"),
    "stage_alone": ("The {stage} stage alone", "Yalnızca {stage} aşaması"),
    "win_why": ("Why it differs from the stage alone", "Aşamanın tek başına verdiğinden farkı"),
    "win_sum": ("Together: {points} = {p} − {p0}", "Toplam: {points} = {p} − {p0}"),
    "win_none": (
        "Nothing moves it away from the stage alone.",
        "Aşamanın tek başına verdiğinden ayıran bir etken yok.",
    ),
    "win_points": ("{n} pts", "{n} puan"),
    "win_touchpoints": ("Touchpoints", "Temaslar"),
    "win_model_store": (
        "Model: fitted on this store's {deals} closed deals ({date})",
        "Model: bu deponun kendi {deals} kapanmış fırsatıyla eğitildi ({date})",
    ),
    "win_model_auc": ("cross-validated AUC {auc}", "çapraz doğrulamalı AUC {auc}"),
    "win_model_prior": (
        "Model: the shipped prior, fitted on generated data: this store has too few closed"
        " deals for a model of its own, or none was trained yet; run graphcrm train.",
        "Model: hazır gelen önsel model (üretilmiş veriyle eğitildi): bu depoda kendi modeli"
        " için yeterli kapanmış fırsat yok ya da henüz eğitilmedi; graphcrm train komutunu"
        " çalıştırın.",
    ),
    "win_closed": (
        "A closed deal has an outcome, not a probability or a risk.",
        "Kapanmış bir fırsatın olasılığı ya da riski olmaz, sonucu olur.",
    ),
    "outcome": ("Outcome", "Sonuç"),
    "loss_reason": ("Loss reason", "Kayıp nedeni"),
    "no_loss_reason": ("No loss reason recorded.", "Kayıp nedeni kaydedilmemiş."),
    "risk_is": (
        "Risk = 100 − win probability ({p}), from the same model.",
        "Risk = 100 − kazanma olasılığı ({p}), aynı modelden.",
    ),
    "risk_baseline": ("The {stage} stage alone: risk {n}", "Yalnızca {stage} aşaması: risk {n}"),
    "fact_champion": ("champion {name}, strength {strength}", "savunucu {name}, güç {strength}"),
    "fact_no_champion": ("no champion", "savunucu yok"),
    "fact_champion_left": ("left: {names}", "ayrılan: {names}"),
    "fact_economic_buyer": (
        "economic buyer {name}: stance {stance}, engagement {engagement}",
        "bütçe sahibi {name}: tutum {stance}, etkileşim {engagement}",
    ),
    "fact_no_economic_buyer": ("no economic buyer known", "bütçe sahibi bilinmiyor"),
    "fact_threading": (
        "{touched} of {members} committee members touched on this deal,"
        " {engaged} in the last 90 days",
        "komitenin {members} üyesinden {touched} kişiyle bu fırsatta temas edildi,"
        " son 90 günde {engaged}",
    ),
    "fact_opposition": (
        "opposed by {name} (influence percentile {percentile}); most senior against: {senior},"
        " {seniority}",
        "{name} karşı çıkıyor (etki yüzdelik sırası {percentile}); karşı çıkanların en kıdemlisi:"
        " {senior}, {seniority}",
    ),
    "fact_no_opposition": ("no opponent on the committee", "komitede karşı çıkan yok"),
    "fact_silence_one": (
        "{n} day since the deal's last touchpoint",
        "fırsattaki son temastan bu yana {n} gün",
    ),
    "fact_silence_other": (
        "{n} days since the deal's last touchpoint",
        "fırsattaki son temastan bu yana {n} gün",
    ),
    "fact_no_touchpoint": ("no touchpoint of the deal on record", "fırsatta kayıtlı temas yok"),
    "fact_pace_one": (
        "open {n} day, {in_stage} in {stage}",
        "{n} gündür açık, {in_stage} gündür {stage} aşamasında",
    ),
    "fact_pace_other": (
        "open {n} days, {in_stage} in {stage}",
        "{n} gündür açık, {in_stage} gündür {stage} aşamasında",
    ),
    "fact_backward_one": ("{n} backward stage move", "{n} aşama gerilemesi"),
    "fact_backward_other": ("{n} backward stage moves", "{n} aşama gerilemesi"),
    "fact_slip_one": ("{n} close-date slip", "{n} kapanış tarihi kayması"),
    "fact_slip_other": ("{n} close-date slips", "{n} kapanış tarihi kayması"),
    "fact_close_in_one": ("expected close in {n} day", "beklenen kapanışa {n} gün var"),
    "fact_close_in_other": ("expected close in {n} days", "beklenen kapanışa {n} gün var"),
    "fact_close_past_one": (
        "{n} day past the expected close",
        "beklenen kapanış tarihi {n} gün geçti",
    ),
    "fact_close_past_other": (
        "{n} days past the expected close",
        "beklenen kapanış tarihi {n} gün geçti",
    ),
    "fact_no_close": ("no expected close", "beklenen kapanış tarihi yok"),
    "fact_churn_one": (
        "{n} stakeholder change in the churn window",
        "değişim penceresinde {n} paydaş değişikliği",
    ),
    "fact_churn_other": (
        "{n} stakeholder changes in the churn window",
        "değişim penceresinde {n} paydaş değişikliği",
    ),
    "details": ("Details", "Ayrıntılar"),
    "edit_on_deal": ("On the deal {deal}", "{deal} fırsatında"),
    "edit_save": ("Save", "Kaydet"),
    "edit_saved": ("Saved.", "Kaydedildi."),
    "edit_stale": (
        "Someone changed this since the page loaded: reloaded, check and save again.",
        "Sayfa yüklendikten sonra biri bunu değiştirdi: yeniden yüklendi, kontrol edip "
        "tekrar kaydedin.",
    ),
    "edit_failed": ("Not saved: {error}", "Kaydedilmedi: {error}"),
    "edit_add_tie": ("Add tie to…", "Bağ ekle…"),
    "edit_tie_kind": ("Kind", "Tür"),
    "edit_tie_strength": ("Strength", "Güç"),
    "edit_remove_tie": ("Remove tie", "Bağı kaldır"),
    "edit_ties": ("Influence ties", "Etki bağları"),
    "click_a_node": ("Click a person to see the details.", "Ayrıntılar için bir kişiye tıklayın."),
    "click_to_expand": ("click to expand", "açmak için tıklayın"),
    "expand_all": ("Expand all", "Tümünü aç"),
    "legend": ("Legend", "Açıklama"),
    "solid_line": ("Solid reporting line", "Doğrudan bağlılık"),
    "dotted_line": ("Dotted reporting line", "Noktalı (ikincil) bağlılık"),
    "knows": ("Our rep knows", "Temsilcimiz tanıyor"),
    "stance_-2": ("Opposes", "Karşı"),
    "stance_-1": ("Sceptical", "Şüpheli"),
    "stance_0": ("Neutral", "Tarafsız"),
    "stance_1": ("Supportive", "Destekçi"),
    "stance_2": ("Champions", "Savunucu"),
    "stance_none": ("Not on the deal", "Fırsatta yok"),
    "kind_advises": ("advises", "danışmanlık eder"),
    "kind_trusts": ("is trusted by", "güvenilir"),
    "kind_sponsors": ("sponsors", "destekler"),
    "kind_opposes": ("opposes", "karşı çıkar"),
    "strength": ("Strength", "Güç"),
    "inferred": ("inferred", "çıkarsanan"),
    "inferred_tie": (
        "Inferred tie (shared touchpoints, reporting lines)",
        "Çıkarsanan bağ (ortak temaslar, bağlılık hatları)",
    ),
    "n_people_one": ("{n} person", "{n} kişi"),
    "n_people_other": ("{n} people", "{n} kişi"),
    "n_hidden_one": ("{n} hidden influencer", "{n} gizli etkileyici"),
    "n_hidden_other": ("{n} hidden influencers", "{n} gizli etkileyici"),
    "no_ties_omitted": ("People without ties, not drawn", "Bağı olmayan, çizilmeyen kişiler"),
    # org chart cards and the influence map's tools (graphcrm-viz.js)
    "find_person": ("Find a person", "Kişi ara"),
    "find": ("Find", "Bul"),
    "no_match": ("Nobody by that name on this chart.", "Bu şemada bu adla kimse yok."),
    "zoom_in": ("Zoom in", "Yakınlaştır"),
    "zoom_out": ("Zoom out", "Uzaklaştır"),
    "fit": ("Fit", "Sığdır"),
    "save_png": ("Save as PNG", "PNG olarak kaydet"),
    "save_png_help": (
        "Saves what the chart shows now; Fit first for all of it.",
        "Şemada şu an görüneni kaydeder; tamamı için önce Sığdır.",
    ),
    "print_plan": ("Print / save as PDF", "Yazdır / PDF olarak kaydet"),
    "primary_role": ("Primary contact", "Birincil kişi"),
    "no_committee": ("Nobody holds a role on this deal.", "Bu fırsatta rolü olan kimse yok."),
    "zoom_help": (
        "Ctrl + wheel zooms, drag moves the chart.",
        "Ctrl + tekerlek yakınlaştırır, sürükleyerek şemayı kaydırın.",
    ),
    "days_ago": ("{n} d ago", "{n} gün önce"),
    "no_touch": ("never touched", "temas yok"),
    "reports_more": ("▸ {n} reports: click to open", "▸ {n} kişi: açmak için tıklayın"),
    "hidden_star": ("★ Hidden influencer", "★ Gizli etkileyici"),
    "tie_advises": ("{a} advises {b} ({s})", "{a}, {b} kişisine danışmanlık yapıyor ({s})"),
    "tie_trusts": ("{b} trusts {a} ({s})", "{b}, {a} kişisine güveniyor ({s})"),
    "tie_sponsors": ("{a} sponsors {b} ({s})", "{a}, {b} kişisini destekliyor ({s})"),
    "tie_opposes": ("{a} opposes {b} ({s})", "{a}, {b} kişisine karşı çıkıyor ({s})"),
    "tie_rep": ("{a} knows {b} ({s})", "{a}, {b} ile tanışıyor ({s})"),
    "rep_tie": ("Our rep's tie", "Temsilcimizin bağı"),
    "kinds": ("Kinds", "Türler"),
    "min_strength": ("Strength at least", "En az güç"),
    "all_departments": ("All departments", "Tüm departmanlar"),
    "grow": ("Show their ties", "Bağlarını göster"),
    "map_committee": (
        "Opens on the committee of {deal} and the people up to {steps} ties away: {n} of"
        " {total} people.",
        "{deal} komitesi ve en çok {steps} bağ uzaklıktaki kişilerle açılır: {total} kişiden {n}.",
    ),
    "map_top": (
        "Opens on the {n} most influential of {total} people.",
        "{total} kişiden en etkili {n} kişiyle açılır.",
    ),
    "map_grow_help": (
        "Click a person, then “Show their ties” to draw the people around them.",
        "Bir kişiye tıklayın, sonra “Bağlarını göster” ile çevresindekileri çizin.",
    ),
    "chart_open": (
        "Opens on the top levels; click a manager to open their reports.",
        "Üst kademelerle açılır; bir yöneticinin ekibini açmak için ona tıklayın.",
    ),
}
