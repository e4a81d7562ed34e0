"""``python -m bench NAME [options]``: run one benchmark and print its figures."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "load": "bench.load",
    "validate": "bench.validate_scores",
    "analytics": "bench.analytics",
    "api": "bench.api",
    "sfimport": "bench.sfimport",
    "stores": "bench.stores",
    "neo4jload": "bench.neo4jload",
    "winprob": "bench.winprob",
    "forecast": "bench.forecast",
    "contract": "bench.contract",
    "pages": "bench.pages",
    "firstrun": "bench.firstrun",
    "whole": "bench.whole",
    "speedups": "bench.speedups",
    "executors": "bench.executors",
    "incremental": "bench.incremental",
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        print(f"usage: python -m bench {{{','.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        sys.exit(2)
    module = importlib.import_module(BENCHMARKS[sys.argv[1]])
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()
