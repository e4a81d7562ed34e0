"""The small message catalogue of the views and pages: English and Turkish.

Every key exists in both languages (a test checks it). :func:`negotiate`
picks the language from an explicit choice (``?lang=``) or an
``Accept-Language`` header; English is the fallback.

>>> negotiate(None, "tr-TR,tr;q=0.9,en;q=0.8")
'tr'
>>> negotiate("en", "tr")
'en'
>>> Messages("tr")("org_chart")
'Organizasyon şeması'
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal, get_args

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from graphcrm.analytics import HealthBand, SignalCode
from graphcrm.domain import Role, Seniority, Stage, TouchpointKind

Lang = Literal["en", "tr"]
LANGS: Final[tuple[Lang, ...]] = get_args(Lang)
DEFAULT_LANG: Final[Lang] = "en"

_M: Final[dict[str, tuple[str, str]]] = {
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
        "{touched} of {members} committee members touched, {engaged} in the last 90 days",
        "komitenin {members} üyesinden {touched} kişiyle temas edildi, son 90 günde {engaged}",
    ),
    "fact_opposition": (
        "opposed by {name} (influence percentile {percentile})",
        "{name} karşı çıkıyor (etki yüzdelik sırası {percentile})",
    ),
    "fact_no_opposition": ("no opponent on the committee", "komitede karşı çıkan yok"),
    "fact_silence_one": ("{n} day since the last touchpoint", "son temastan bu yana {n} gün"),
    "fact_silence_other": ("{n} days since the last touchpoint", "son temastan bu yana {n} gün"),
    "fact_no_touchpoint": ("no touchpoint on record", "kayıtlı temas yok"),
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
    # pages
    "accounts": ("Accounts", "Müşteriler"),
    "account": ("Account", "Müşteri"),
    "deal": ("Deal", "Fırsat"),
    "deals": ("Deals", "Fırsatlar"),
    "open_deals": ("Open deals by risk", "Riske göre açık fırsatlar"),
    "territory": ("Territory", "Bölge"),
    "sector": ("Sector", "Sektör"),
    "all": ("All", "Tümü"),
    "filter": ("Filter", "Filtrele"),
    "name": ("Name", "Ad"),
    "stage": ("Stage", "Aşama"),
    "amount": ("Amount", "Tutar"),
    "risk": ("Risk", "Risk"),
    "expected_close": ("Expected close", "Beklenen kapanış"),
    "hierarchy": ("Account hierarchy", "Müşteri hiyerarşisi"),
    "rollup": ("Roll-up", "Toplam"),
    "contacts": ("Contacts", "Kişiler"),
    "subsidiaries": ("Accounts in the group", "Gruptaki müşteriler"),
    "pipeline": ("Open pipeline", "Açık satış hunisi"),
    "follow_ups": ("Follow-ups due", "Vadesi gelen takipler"),
    "no_follow_ups": ("Nothing is due.", "Vadesi gelen takip yok."),
    "overdue": ("overdue", "gecikmiş"),
    "days_since": ("days since last touch", "son temastan beri gün"),
    "never_touched": ("never touched", "hiç temas yok"),
    "stage_history": ("Stage history", "Aşama geçmişi"),
    "close_date_history": ("Close-date changes", "Kapanış tarihi değişiklikleri"),
    "evidence": ("Evidence", "Kanıt"),
    "what_if": ("What if", "Ya olursa"),
    "what_if_help": (
        "Remove a person from the committee and see the new win probability and risk.",
        "Bir kişiyi komiteden çıkarın ve yeni kazanma olasılığını ve riski görün.",
    ),
    "remove_contact": ("Remove", "Çıkar"),
    "new_risk": ("New risk", "Yeni risk"),
    "change": ("Change", "Değişim"),
    "before": ("Before", "Önce"),
    "after": ("After", "Sonra"),
    "when": ("When", "Ne zaman"),
    "from": ("From", "Önceki"),
    "to": ("To", "Sonraki"),
    "no_open_deals": ("No open deals.", "Açık fırsat yok."),
    "not_found": ("Not found", "Bulunamadı"),
    "not_found_text": (
        "There is nothing here, or you may not see it.",
        "Burada bir şey yok ya da görme yetkiniz yok.",
    ),
    "unauthorized": ("Sign in with an API key", "API anahtarıyla giriş yapın"),
    "unauthorized_text": (
        "Open this page with ?key=YOUR_KEY once; a cookie keeps you signed in.",
        "Bu sayfayı bir kez ?key=ANAHTARINIZ ile açın; bir çerez oturumu açık tutar.",
    ),
    "forbidden": ("Not allowed", "İzin yok"),
    "invalid": ("Invalid request", "Geçersiz istek"),
    "language": ("Language", "Dil"),
    "health_good": ("good", "iyi"),
    "health_fair": ("fair", "orta"),
    "health_poor": ("poor", "zayıf"),
    "account_health": ("Account health", "Müşteri sağlığı"),
    "executive_coverage": ("Executive coverage", "Üst yönetim kapsamı"),
    "coverage": ("Coverage", "Kapsam"),
    # the forecast (/pages/forecast, graphcrm.viz.forecast)
    "fc_forecast": ("Forecast", "Satış tahmini"),
    "fc_quarter": ("Quarter", "Çeyrek"),
    "fc_by": ("Rows", "Satırlar"),
    "fc_by_rep": ("Rep", "Satış temsilcisi"),
    "fc_by_territory": ("Territory", "Bölge"),
    "fc_by_group": ("Account group", "Müşteri grubu"),
    "fc_by_quarter": ("Quarter", "Çeyrek"),
    "fc_deals": ("Open deals", "Açık fırsatlar"),
    "fc_pipeline": ("Open pipeline", "Açık satış hunisi"),
    "fc_expected": ("Expected value", "Beklenen değer"),
    "fc_commit": ("Commit", "Taahhüt"),
    "fc_best_case": ("Best case", "En iyi durum"),
    "fc_pipeline_category": ("Pipeline", "Satış hattı"),
    "fc_range": ("P10–P90", "P10–P90"),
    "fc_median": ("P50", "P50"),
    "fc_won": ("Won", "Kazanılan"),
    "fc_total": ("Total", "Toplam"),
    "fc_none": ("(none)", "(yok)"),
    "fc_p_win": ("P(win)", "Kazanma olasılığı"),
    "fc_category": ("Category", "Kategori"),
    "fc_amount": ("Amount", "Tutar"),
    "fc_amount_in": ("In {currency}", "{currency} karşılığı"),
    "fc_owner": ("Owner", "Sorumlu"),
    "fc_no_deals": (
        "No open deal is expected to close in this quarter.",
        "Bu çeyrekte kapanması beklenen açık fırsat yok.",
    ),
    "fc_explain": (
        "Expected value: Σ amount × P(win). Commit: P(win) ≥ {commit}; best case: ≥ {best};"
        " below: pipeline. P10–P90: the won amount of the open deals in {n} simulated"
        " outcomes. Won: closed won with the expected close in the quarter.",
        "Beklenen değer: Σ tutar × kazanma olasılığı. Taahhüt: olasılık ≥ {commit}; en iyi"
        " durum: ≥ {best}; altı: satış hattı. P10–P90: açık fırsatlardan kazanılacak tutar,"
        " {n} benzetimle. Kazanılan: beklenen kapanışı bu çeyrekte olan kazanılmış fırsatlar.",
    ),
    "fc_currency": ("Amounts in {currency}.", "Tutarlar {currency} cinsinden."),
    "fc_rates": ("Exchange rates as of {date}:", "{date} tarihli döviz kurları:"),
    "fc_rates_undated": (
        "Exchange rates (no date given):",
        "Döviz kurları (tarih belirtilmemiş):",
    ),
    "fc_no_rates": (
        "No exchange rates are set: only deals in {currency} count.",
        "Döviz kuru tanımlı değil: yalnızca {currency} cinsinden fırsatlar sayılır.",
    ),
    "fc_left_out": (
        "Left out: no exchange rate for their currency",
        "Dışarıda bırakılanlar: para birimleri için döviz kuru yok",
    ),
    "fc_model_store": (
        "P(win) from this store's model, fitted on {deals} closed deals.",
        "Kazanma olasılığı bu deponun {deals} kapanmış fırsatıyla eğitilmiş modelinden.",
    ),
    "fc_model_prior": (
        "P(win) from the shipped prior model (this store has no model of its own yet).",
        "Kazanma olasılığı hazır gelen önsel modelden (bu deponun henüz kendi modeli yok).",
    ),
    "fc_trend": ("Week by week", "Haftadan haftaya"),
    "fc_trend_won_expected": ("Won + expected value", "Kazanılan + beklenen değer"),
    "fc_trend_won_commit": ("Won + commit", "Kazanılan + taahhüt"),
    "fc_trend_range": ("Won + P10–P90", "Kazanılan + P10–P90"),
    "fc_moves": (
        "What moved the expected value",
        "Beklenen değeri değiştiren fırsatlar",
    ),
    "fc_week": ("Week of", "Hafta"),
    "fc_why": ("Why", "Neden"),
    "fc_reason_created": ("new deal", "yeni fırsat"),
    "fc_reason_moved_in": ("close moved into the quarter", "kapanışı çeyreğe girdi"),
    "fc_reason_moved_out": ("close moved out of the quarter", "kapanışı çeyrekten çıktı"),
    "fc_reason_won": ("won", "kazanıldı"),
    "fc_reason_lost": ("lost", "kaybedildi"),
    "fc_reason_probability": ("P(win) changed", "olasılık değişti"),
    "fc_reason_amount": ("amount changed", "tutar değişti"),
    "fc_reason_gone": ("no longer counted", "artık sayılmıyor"),
    "fc_show": ("Show", "Göster"),
    # next actions, what changed, alerts (graphcrm.services.actions, .alerts)
    "next_actions": ("Next actions", "Sıradaki adımlar"),
    "no_actions": ("Nothing to do right now.", "Şu an yapılacak bir şey yok."),
    "act_call": ("Call {name}", "{name} ile görüşün"),
    "act_call_never": ("never contacted", "hiç temas kurulmadı"),
    "act_call_days": (
        "{days} days since the last touch, cadence {cadence} days",
        "son temastan bu yana {days} gün, olağan aralık {cadence} gün",
    ),
    "act_silent": ("{name} went silent", "{name} sessizleşti"),
    "act_uncovered": (
        "{name}, a top decision maker, is not covered",
        "üst karar vericilerden {name} ile bağ zayıf",
    ),
    "act_intro": (
        "Ask {introducer} for an introduction to {name}",
        "{name} ile tanışmak için {introducer} kişisinden aracılık isteyin",
    ),
    "act_intro_path": (
        "warm path {path} (strength {strength})",
        "sıcak yol {path} (güç {strength})",
    ),
    "act_on_deal": ("on {deal}", "{deal} fırsatında"),
    "what_changed": ("What changed since", "Şu tarihten beri değişenler"),
    "no_changes": ("Nothing changed in this period.", "Bu dönemde bir şey değişmedi."),
    "show": ("Show", "Göster"),
    "ch_joined_account": ("{name} joined the account", "{name} müşteriye katıldı"),
    "ch_departed": ("{name} left the company", "{name} şirketten ayrıldı"),
    "ch_manager_changed": ("{name} changed manager", "{name} yöneticisi değişti"),
    "ch_joined": ("{name} joined the committee of {deal}", "{name}, {deal} komitesine katıldı"),
    "ch_role_changed": (
        "{name} changed role on {deal}",
        "{name}, {deal} fırsatında rol değiştirdi",
    ),
    "ch_stance": ("{name} on {deal}: {before} → {after}", "{name}, {deal}: {before} → {after}"),
    "ch_stage": ("{deal}: {before} → {after}", "{deal}: {before} → {after}"),
    "ch_deal_opened": ("{deal} opened", "{deal} açıldı"),
    "ch_deal_closed": ("{deal} closed: {outcome}", "{deal} kapandı: {outcome}"),
    "ch_win": (
        "{deal}: win probability {before} → {after}",
        "{deal}: kazanma olasılığı {before} → {after}",
    ),
    "ch_reasons": ("why", "neden"),
    "alerts": ("Alerts", "Uyarılar"),
    # territory conflicts (graphcrm.services.territories, /pages/territories/conflicts)
    "tc_conflicts": ("Territory conflicts", "Bölge çakışmaları"),
    "tc_none": ("No conflict between territories.", "Bölgeler arasında çakışma yok."),
    "tc_what": ("Conflict", "Çakışma"),
    "tc_reps": ("Reps", "Temsilciler"),
    "tc_hidden": ("and {n} of other territories", "ve diğer bölgelerden {n} hesap"),
    "tc_split_group": (
        "An account group spans {territories}",
        "Bir hesap grubu birden çok bölgeye yayılıyor: {territories}",
    ),
    "tc_duplicate": (
        "Likely duplicate accounts in {territories}",
        "Olası mükerrer hesaplar, bölgeler: {territories}",
    ),
    "tc_rival_deals": (
        "Open deals on one account group by reps of {territories}",
        "Bir hesap grubunda farklı bölgelerin temsilcilerine ait açık fırsatlar: {territories}",
    ),
    "tc_touchpoint": (
        "Touchpoints by a rep on contacts of an account of another territory ({territories})",
        "Bir temsilcinin başka bölgedeki bir hesabın kişileriyle temasları ({territories})",
    ),
    "no_alerts": ("No alert.", "Uyarı yok."),
    "alert_owner": ("Rep", "Satış temsilcisi"),
    "al_champion_left": ("Champion {names} left the company", "Savunucu {names} şirketten ayrıldı"),
    "al_economic_buyer_silent": (
        "Economic buyer {names}: {days} days without a touchpoint (the sector's norm: {norm})",
        "Bütçe sahibi {names}: {days} gündür temas yok (sektör normu: {norm})",
    ),
    "al_economic_buyer_never": (
        "Economic buyer {names} was never contacted",
        "Bütçe sahibi {names} ile hiç temas kurulmadı",
    ),
    "al_win_dropped": (
        "Win probability fell from {before} to {after} since {since}",
        "Kazanma olasılığı {since} tarihinden bu yana {before} değerinden {after} değerine düştü",
    ),
    "what_if_result": ("If {name} left the committee", "{name} komiteden çıkarsa"),
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
    "invalid_field": ("{field}: {message}", "{field}: {message}"),
    "not_committee_member": (
        "not an active member of the committee",
        "komitenin aktif bir üyesi değil",
    ),
    "invalid_value": ("invalid value", "geçersiz değer"),
}

_SECTOR: Final[dict[str, tuple[str, str]]] = {
    "manufacturing": ("Manufacturing", "İmalat"),
    "textile_retail": ("Textile and retail", "Tekstil ve perakende"),
    "construction": ("Construction", "İnşaat"),
    "saas": ("Software (SaaS)", "Yazılım (SaaS)"),
    "other": ("Other", "Diğer"),
}
"""The sectors of ``Account.sector`` the product knows (another shows as written)."""

_SENIORITY: Final[dict[Seniority, tuple[str, str]]] = {
    Seniority.C_LEVEL: ("C-level", "Üst yönetim (C düzeyi)"),
    Seniority.VP: ("Vice president", "Genel müdür yardımcısı"),
    Seniority.DIRECTOR: ("Director", "Direktör"),
    Seniority.MANAGER: ("Manager", "Müdür"),
    Seniority.INDIVIDUAL_CONTRIBUTOR: ("Individual contributor", "Uzman"),
}

_ROLE: Final[dict[Role, tuple[str, str]]] = {
    Role.ECONOMIC_BUYER: ("Economic Buyer", "Bütçe Sahibi"),
    Role.DECISION_MAKER: ("Decision Maker", "Karar Verici"),
    Role.EXECUTIVE_SPONSOR: ("Executive Sponsor", "Üst Düzey Sponsor"),
    Role.CHAMPION: ("Champion", "Savunucu"),
    Role.INFLUENCER: ("Influencer", "Etkileyici"),
    Role.TECHNICAL_BUYER: ("Technical Buyer", "Teknik Alıcı"),
    Role.EVALUATOR: ("Evaluator", "Değerlendirici"),
    Role.BUSINESS_USER: ("Business User", "İş Kullanıcısı"),
    Role.LEGAL_AND_COMPLIANCE: ("Legal & Compliance", "Hukuk ve Uyum"),
    Role.BLOCKER: ("Blocker", "Engelleyici"),
    Role.OTHER: ("Other", "Diğer"),
}

_STAGE: Final[dict[Stage, tuple[str, str]]] = {
    Stage.PROSPECTING: ("Prospecting", "Aday belirleme"),
    Stage.NEEDS_ANALYSIS: ("Needs analysis", "İhtiyaç analizi"),
    Stage.PROPOSAL: ("Proposal", "Teklif"),
    Stage.PRESENTATION: ("Presentation", "Sunum"),
    Stage.NEGOTIATION: ("Negotiation", "Pazarlık"),
    Stage.DECISION: ("Decision", "Karar"),
    Stage.CLOSING: ("Closing", "Kapanış"),
    Stage.CLOSED_WON: ("Won", "Kazanıldı"),
    Stage.CLOSED_LOST: ("Lost", "Kaybedildi"),
}

_SIGNAL: Final[dict[SignalCode, tuple[str, str]]] = {
    SignalCode.NO_CHAMPION: ("No champion", "Savunucu yok"),
    SignalCode.CHAMPION_LEFT: ("Champion left", "Savunucu ayrıldı"),
    SignalCode.WEAK_CHAMPION: ("Weak champion", "Zayıf savunucu"),
    SignalCode.ECONOMIC_BUYER_UNKNOWN: ("Economic buyer unknown", "Bütçe sahibi bilinmiyor"),
    SignalCode.ECONOMIC_BUYER_NOT_ENGAGED: (
        "Economic buyer not engaged",
        "Bütçe sahibiyle etkileşim yok",
    ),
    SignalCode.ECONOMIC_BUYER_HOSTILE: (
        "Economic buyer opposes the deal",
        "Bütçe sahibi anlaşmaya karşı",
    ),
    SignalCode.CHAMPION_NO_PATH_TO_ECONOMIC_BUYER: (
        "Champion has no path to the economic buyer",
        "Savunucunun bütçe sahibine yolu yok",
    ),
    SignalCode.SINGLE_THREADED: ("Single-threaded", "Tek bağlantılı"),
    SignalCode.OPPONENT: ("Opponent", "Karşı çıkan var"),
    SignalCode.DECISION_MAKERS_UNCOVERED: (
        "Decision makers not covered",
        "Karar vericilere ulaşılmamış",
    ),
    SignalCode.STALE_ENGAGEMENT: ("Stale engagement", "Etkileşim bayatladı"),
    SignalCode.STAKEHOLDER_CHURN: ("Stakeholder churn", "Paydaş değişimi"),
    SignalCode.STAGE_REGRESSION: ("Stage went backwards", "Aşama geriledi"),
    SignalCode.CLOSE_DATE_SLIPPED: ("Close date slipped", "Kapanış tarihi kaydı"),
    SignalCode.GRIDLOCK: ("Gridlock", "Tıkanıklık"),
}


_GROUP: Final[dict[str, tuple[str, str]]] = {
    "champion": ("Champion", "Savunucu"),
    "economic_buyer": ("Economic buyer", "Bütçe sahibi"),
    "threading": ("Multi-threading", "Çoklu temas"),
    "opposition": ("Opposition", "Karşı çıkanlar"),
    "silence": ("Silence", "Sessizlik"),
    "pace": ("Pace", "Tempo"),
    "history": ("Stage and close-date history", "Aşama ve kapanış tarihi geçmişi"),
    "churn": ("Stakeholder churn", "Paydaş değişimi"),
}
"""The win-probability feature groups (``graphcrm.analytics.winprob.GRAPH_FEATURES``)."""

_TOUCH: Final[dict[TouchpointKind, tuple[str, str]]] = {
    TouchpointKind.EMAIL: ("Email", "E-posta"),
    TouchpointKind.CALL: ("Call", "Arama"),
    TouchpointKind.MEETING: ("Meeting", "Toplantı"),
    TouchpointKind.LINKEDIN: ("LinkedIn", "LinkedIn"),
    TouchpointKind.DEMO: ("Demo", "Demo"),
    TouchpointKind.POC: ("Proof of concept", "Kavram kanıtlama (PoC)"),
    TouchpointKind.OTHER: ("Other", "Diğer"),
}


def _index(lang: Lang) -> int:
    return LANGS.index(lang)


class Messages:
    """The catalogue in one language; call it with a key.

    Raises ``KeyError`` for an unknown key: a typo is a bug, not a blank label.
    """

    __slots__ = ("lang",)

    def __init__(self, lang: Lang = DEFAULT_LANG) -> None:
        self.lang: Lang = lang

    def __call__(self, key: str) -> str:
        return _M[key][_index(self.lang)]

    def role(self, role: Role) -> str:
        return _ROLE[role][_index(self.lang)]

    def stage(self, stage: Stage) -> str:
        return _STAGE[stage][_index(self.lang)]

    def signal(self, code: SignalCode) -> str:
        return _SIGNAL[code][_index(self.lang)]

    def stance(self, stance: int | None) -> str:
        return self("stance_none" if stance is None else f"stance_{stance}")

    def band(self, band: HealthBand) -> str:
        return self(f"health_{band.value}")

    def group(self, group: str) -> str:
        """A win-probability feature group's name (an unknown group keeps its own)."""
        pair = _GROUP.get(group)
        return pair[_index(self.lang)] if pair is not None else group

    def sector(self, sector: str) -> str:
        """A sector's name (a sector the catalogue does not know shows as written)."""
        pair = _SECTOR.get(sector)
        return pair[_index(self.lang)] if pair is not None else sector

    def seniority(self, seniority: Seniority) -> str:
        return _SENIORITY[seniority][_index(self.lang)]

    @property
    def locale(self) -> str:
        """The Babel locale of the language."""
        return "tr_TR" if self.lang == "tr" else "en_US"

    def money(self, amount: Decimal | float, currency: str) -> str:
        """An amount in its currency, whole units, the language's way (Babel).

        >>> Messages("en").money(5787000, "TRY"), Messages("tr").money(5787000, "TRY")
        ('TRY\xa05,787,000', '5.787.000\xa0₺')
        """
        return format_currency(
            amount,
            currency,
            locale=self.locale,
            format_type="standard",
            currency_digits=False,
            format="¤\xa0#,##0" if self.lang == "en" else "#,##0\xa0¤",
        )

    def integer(self, n: float) -> str:
        """A whole number with the language's grouping: ``5,787`` / ``5.787``."""
        return format_decimal(round(n), format="#,##0", locale=self.locale)

    def date(self, d: date | datetime) -> str:
        """A date the language's way: ``Nov 1, 2026`` / ``1 Kas 2026``."""
        day = d.date() if isinstance(d, datetime) else d
        return format_date(day, format="medium", locale=self.locale)

    def touch(self, kind: TouchpointKind) -> str:
        return _TOUCH[kind][_index(self.lang)]

    def format(self, key: str, **values: object) -> str:
        """The message ``key`` with its ``{placeholders}`` filled in."""
        return self(key).format(**values)

    def count(self, key: str, n: int, **values: object) -> str:
        """``key_one`` or ``key_other`` by ``n`` (English plurals), filled with ``n``
        written the language's way.

        >>> Messages("en").count("n_people", 4501), Messages("tr").count("n_people", 1)
        ('4,501 people', '1 kişi')
        """
        return self.format(f"{key}_{'one' if n == 1 else 'other'}", n=self.integer(n), **values)

    def number(self, x: float, digits: int = 2) -> str:
        """``x`` with ``digits`` decimals: ``0.42`` in English, ``0,42`` in Turkish;
        a minus sign, not a hyphen.

        >>> Messages("tr").number(-0.5)
        '−0,50'
        """
        text = f"{x:.{digits}f}".replace("-", "−")
        return text.replace(".", ",") if self.lang == "tr" else text

    def signed(self, n: int) -> str:
        """A whole number with its sign (``+1``, ``−2``, ``0``)."""
        return f"{n:+d}".replace("-", "−") if n else "0"

    def percent(self, p: float) -> str:
        """A probability as a whole percentage: ``42%`` in English, ``%42`` in Turkish.

        >>> Messages("en").percent(0.424), Messages("tr").percent(0.424)
        ('42%', '%42')
        """
        n = round(100 * p)
        return f"%{n}" if self.lang == "tr" else f"{n}%"

    def points(self, n: int) -> str:
        """Whole points of probability with their sign: ``+5 pts``, ``−3 puan``."""
        return self.format("win_points", n=self.signed(n))

    def catalogue(self) -> dict[str, str]:
        """Every plain message in this language (for scripts that label things)."""
        return {key: pair[_index(self.lang)] for key, pair in _M.items()}


def catalogue_keys() -> frozenset[str]:
    """The keys of the plain messages."""
    return frozenset(_M)


def negotiate(explicit: str | None, accept_language: str | None) -> Lang:
    """The language to answer in: ``explicit`` if supported, else the best
    ``Accept-Language`` match (by q-value, then order), else English."""
    if explicit:
        choice = explicit.strip().lower()
        for lang in LANGS:
            if choice == lang:
                return lang
    if accept_language:
        ranked: list[tuple[float, int, str]] = []
        for i, part in enumerate(accept_language.split(",")):
            tag, _, params = part.strip().partition(";")
            q = 1.0
            params = params.strip()
            if params.startswith("q="):
                try:
                    q = float(params[2:])
                except ValueError:
                    q = 0.0
            ranked.append((-q, i, tag.strip().lower()))
        for neg_q, _, tag in sorted(ranked):
            primary = tag.split("-")[0]
            if neg_q < 0 and primary in LANGS:
                return LANGS[LANGS.index(primary)]
    return DEFAULT_LANG
