"""The long contract run: schemathesis with every check, every phase and both data modes.

    ./dev bench contract                       # 100 examples per operation, seed 1
    ./dev bench contract --max-examples 300 --seed 7

It seeds a fresh embedded store with the API tests' small portfolio
(``tests/api/conftest.py``: two territories, an admin key), serves it on a
local port, and runs the ``st`` command line against ``/openapi.json`` with
``--checks all --mode all`` and the examples, coverage, fuzzing and stateful
phases. It prints the test cases generated, the failures by schemathesis code
with the operations that produced them, the errors (timeouts included), and
exits non-zero on any failure or error.

**Semantic refusals.** A request can match the schema and still be refused
with a 422 that JSON Schema cannot foresee: an id that is not stored ("unknown
account 'x'"), a contact tied to themselves, an account as its own parent,
parameters that must come one at a time, a deal read at a date before it
existed; likewise a 412 for an ``If-Match`` that is not the current ETag.
:data:`SEMANTIC` names those messages; :func:`accepts_schema_valid_data`
is schemathesis's ``positive_data_acceptance`` except for them, and replaces it
(here and in ``tests/api/test_schemathesis.py``). Any other 422 on schema-valid
data is a mismatch and fails the run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Final

import schemathesis
import uvicorn
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SEMANTIC: Final = re.compile(
    r"^unknown (account|contact|deal|rep|touchpoint) '"
    r"|cannot (influence|report to) themselves$"
    r"|cannot be its own parent$"
    r"|^give (exactly one of|account_id, contact_id or deal_id)"
    r"|did not exist yet at "
    r"|^not JSON: |^not valid TOML: |^no (Salesforce|HubSpot) file found"
    r"| is before (the start|valid_from) "
    r"|is the id of both a rep and a contact"
    r"|^back-dated: |^a mapping file applies to |^the deal is closed"
    r"|^duplicate key in the batch: |^reporting cycle "
    r"|^an id may not contain U\+[0-9A-F]{4,6} \("
)
r"""Refusals the schema cannot state: what is stored (an unknown id, a deal read before
it existed), a relation between fields (a tie to oneself, an end before its start,
parameters given one at a time), and the id grammar's Unicode categories (letters,
marks, digits, punctuation, symbols: JSON Schema's regular expressions have no
portable ``\p{L}``; the schema states the grammar's ASCII rules)."""


def semantic_refusal(status: int, body: Any) -> bool:
    """A 412 (an ``If-Match`` that is not the stored object's ETag: which one is, the
    schema cannot know) or a 422 whose every error is a :data:`SEMANTIC` one."""
    if status == 412:
        return True
    if status != 422 or not isinstance(body, dict):
        return False
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        return False
    return all(isinstance(e, dict) and SEMANTIC.search(str(e.get("message", ""))) for e in errors)


@schemathesis.check
def accepts_schema_valid_data(ctx: Any, response: Any, case: Any) -> bool | None:
    """``positive_data_acceptance``, except for semantic refusals."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if semantic_refusal(response.status_code, body):
        return True
    result: bool | None = positive_data_acceptance(ctx, response, case)
    return result


CHECKS: Final = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    accepts_schema_valid_data,
]
"""The checks the suite's short run applies to every case."""


CONFIG: Final = """\
[checks.missing_required_header]
# an update without If-Match (declared required) answers 428 Precondition Required
expected-statuses = ["400", "401", "403", "406", "422", "428"]
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench contract", description=__doc__)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from api.app import create_app
    from tests.api.conftest import make_settings, seed

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="graphcrm-contract-") as tmp:
        cfg = make_settings(Path(tmp))
        key = seed(cfg)["admin"]
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(cfg), host="127.0.0.1", port=port, log_level="error")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        report = Path(tmp) / "report.json"
        config = Path(tmp) / "schemathesis.toml"
        config.write_text(CONFIG, encoding="utf-8")
        cmd = [
            str(Path(sys.executable).with_name("st")),
            f"--config-file={config}",
            "run",
            f"http://127.0.0.1:{port}/openapi.json",
            "--checks=all",
            "--exclude-checks=positive_data_acceptance",
            "--mode=all",
            "--phases=examples,coverage,fuzzing,stateful",
            f"--max-examples={args.max_examples}",
            f"--seed={args.seed}",
            "--no-color",
            "--report=json",
            f"--report-json-path={report}",
        ]
        env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "bench.contract",
            "PYTHONPATH": str(root),
        }
        started = time.perf_counter()
        print(" ".join(cmd), "-H 'X-API-Key: ...'", flush=True)
        run = subprocess.run(
            [*cmd, "-H", f"X-API-Key: {key}"],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        server.should_exit = True
        thread.join(timeout=10)
        if not report.exists():
            print(run.stdout[-5000:], run.stderr[-5000:])
            raise SystemExit("schemathesis wrote no report")
        summary = json.loads(report.read_text())
    cases = summary["test_cases"]
    print(
        f"schemathesis {summary['schemathesis_version']}: {summary['operations']['tested']} "
        f"operations, {cases['generated']} test cases in {wall:.0f} s "
        f"(load average {os.getloadavg()[0]:.2f}), phases "
        + ", ".join(f"{k} {v['status']}" for k, v in summary["phases"].items())
    )
    failures = summary["failures"]
    errors = summary["errors"]
    print(f"failures: {sum(f['count'] for f in failures)}; errors: {len(errors)}")
    for f in failures:
        print(f"  {f['code']} {f['title']}: {f['count']} ({', '.join(f['operations'])})")
    for e in errors:
        print(f"  error: {json.dumps(e)[:300]}")
    if failures or errors:
        print(run.stdout[-20000:])
        raise SystemExit(1)
