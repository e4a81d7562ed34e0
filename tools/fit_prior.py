"""Fit the shipped prior win-probability model on generated data.

    .venv/bin/python tools/fit_prior.py            # writes graphcrm/analytics/prior_win_model.json

A store with too few closed deals of its own uses this model
(``graphcrm.services.training.prior_card``). It is fitted exactly as
``graphcrm train`` fits a store's model, on a generated portfolio of
development seeds (never the report seeds 3, 5, 23 of ``./dev bench winprob``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphcrm.domain.winmodel import ModelSource  # noqa: E402
from graphcrm.generator import GeneratorConfig, generate_portfolio  # noqa: E402
from graphcrm.services import training  # noqa: E402
from graphcrm.store import open_store  # noqa: E402

OUT = ROOT / "graphcrm" / "analytics" / "prior_win_model.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1001)
    args = parser.parse_args()
    if args.seed in (3, 5, 23):
        parser.error("the report seeds 3, 5 and 23 are never used to fit anything")
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/prior.sqlite3")
        try:
            for batch in generate_portfolio(config):
                store.apply(batch, actor="fit-prior", at=config.now)
            deals = training.closed_deals(store)
            rows = training.calendar_snapshots(store, deals)
        finally:
            store.close()
    card = training.fit_card(
        rows, fitted_at=config.now, source=ModelSource.PRIOR, every_days=training.SNAPSHOT_DAYS
    )
    card = card.model_copy(
        update={
            "notes": (
                f"fitted on a generated portfolio: {args.accounts} accounts, seed {args.seed}",
                "used until the store has enough closed deals of its own (graphcrm train)",
            )
        }
    )
    OUT.write_text(training.card_json(card), encoding="utf-8")
    print(f"{OUT}: {card.deals} deals, {card.snapshots} snapshots, CV AUC {card.cv_auc:.3f}")


if __name__ == "__main__":
    main()
