"""HTTP latency of deal risk and account health on a 200-contact account.

    ./dev bench api                          # embedded SQLite
    ./dev bench api --store neo4j-dev        # a fresh development Neo4j

Loads one generated account of ``--contacts`` contacts, creates a key, runs
``graphcrm serve --workers`` ``--workers`` (uvicorn; 2) in a second process on
loopback and drives it from this process with ``--clients`` concurrent
clients, each a keep-alive HTTP/1.1 connection with one request in flight (over
asyncio, so the clients take little of the CPU the server shares with them).
For ``GET /v1/deals/{id}/risk`` and ``GET /v1/accounts/{id}/health`` it prints
p50/p99 latency and requests/s:

- cache-warm: ``--requests`` requests after one warm-up request per client;
- after an invalidating write: ``--rounds`` rounds of one write that touches
  the account (a rep tie of one of its contacts) followed by one request from
  every client at once (the first reads recompute), after one unmeasured
  round (a fresh server's first write plans and compiles its queries). With
  several workers the write goes to one of them and the reads to all: the
  other workers see it in the store's change log (``api.freshness``).

Before the server starts, the store serves ``--store-warmup`` rounds of the
reads a recompute makes, so that a fresh Neo4j JVM has compiled them (JIT) as
a server that has been up a while has.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.common import BENCH_JAVA_OPTS, percentile
from graphcrm.auth import ALL_TERRITORIES, KeyStore, Scope
from graphcrm.config import parse_store_url
from graphcrm.domain import AccountId, DealId, PageRequest
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.services.risk import assess_deal
from graphcrm.services.scoring import score_account
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _store_url(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "neo4j-dev":
        from graphcrm.devserver import Neo4jDevServer

        with Neo4jDevServer(pagecache="1g", java_opts=BENCH_JAVA_OPTS) as server:
            yield server.uri
        return
    yield f"sqlite://{tmp / 'bench-api.sqlite3'}"


@contextmanager
def _server(url: str, keys: Path, port: int, workers: int) -> Iterator[None]:
    env = {**os.environ, "GRAPHCRM_KEYS_PATH": str(keys), "GRAPHCRM_API_CACHE_TTL_SECONDS": "600"}
    cmd = [sys.executable, "-m", "graphcrm", "--store", url, "serve", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start")
            time.sleep(0.2)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _line(label: str, samples: list[float], wall: float) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"{label:<44} p50 {percentile(ms, 50):7.1f} ms  p99 {percentile(ms, 99):7.1f} ms  "
        f"{len(ms) / wall:7.1f} req/s  (n={len(ms)})"
    )


class _Connection:
    """One client: a keep-alive HTTP/1.1 connection with at most one request in flight.

    A few lines over asyncio streams rather than httpx, so that the 16 clients
    cost the two cores they share with the server as little as possible (httpx
    in threads spent about as much CPU per request as the server did).
    """

    def __init__(self, host: str, port: int, key: str) -> None:
        self._host, self._port = host, port
        self._head = f"Host: {host}:{port}\r\nX-API-Key: {key}\r\n"
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        """Send one request and return the body; raises on a status other than 2xx.

        A kept-alive connection the server closed meanwhile (uvicorn closes idle
        ones after 5 s) is opened again and the request sent again, once.
        """
        reused = self._streams is not None
        try:
            return await self._exchange(method, path, body)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            if not reused:
                raise
            return await self._exchange(method, path, body)

    async def _exchange(self, method: str, path: str, body: bytes | None) -> bytes:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self._host, self._port)
        reader, writer = self._streams
        head = f"{method} {path} HTTP/1.1\r\n{self._head}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(f"{head}\r\n".encode("latin-1") + (body or b""))
        status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
        length = None
        for line in lines:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"{method} {path}: no Content-Length in the answer")
        payload = await reader.readexactly(length)
        status = int(status_line.split()[1])
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path}: {status} {payload[:200]!r}")
        return payload

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


async def _timed(conn: _Connection, path: str) -> float:
    start = time.perf_counter()
    await conn.request("GET", path)
    return time.perf_counter() - start


async def _warm(conns: list[_Connection], path: str, requests: int) -> tuple[list[float], float]:
    """``requests`` GETs from all the clients at once, each client one after another."""
    await asyncio.gather(*(c.request("GET", path) for c in conns))  # warm-up
    left = requests
    samples: list[float] = []

    async def client(conn: _Connection) -> None:
        nonlocal left
        while left > 0:
            left -= 1
            samples.append(await _timed(conn, path))

    start = time.perf_counter()
    await asyncio.gather(*(client(c) for c in conns))
    return samples, time.perf_counter() - start


async def _after_write(
    conns: list[_Connection], path: str, rounds: int, write: Callable[[], Awaitable[None]]
) -> tuple[list[float], float]:
    """``rounds`` of one write, then one GET from every client at once.

    One unmeasured round first, as the cache-warm phase has its warm-up
    request: a fresh server's first write plans (Neo4j) and compiles (the
    JVM's JIT) the write path's queries, which took the reads after it to
    0.5-0.9 s on two shared cores; that is start-up, not the steady state.
    """
    await write()
    await asyncio.gather(*(c.request("GET", path) for c in conns))
    samples: list[float] = []
    wall = 0.0
    for _ in range(rounds):
        await write()
        start = time.perf_counter()
        samples += await asyncio.gather(*(_timed(c, path) for c in conns))
        wall += time.perf_counter() - start
    return samples, wall


def _warm_store(store: GraphStore, account: AccountId, deal: DealId, rounds: int) -> None:
    """``rounds`` recomputes of the deal's risk and the account's scores (the services
    the two endpoints call, with the same reads), before the server starts.

    A fresh Neo4j JVM interprets a query's runtime code until its JIT has
    compiled it: the stakeholder graph took 2 s the first time, 150-250 ms the
    next ten, and 25-50 ms only after some 50 executions, which put the first
    rounds after a write (the cache-warm phase reads nothing) at 0.4-0.6 s.
    A server that has been up a while has long compiled them. SQLite needs
    nothing of the kind (``--store-warmup 0`` measures the cold start).
    """
    for _ in range(rounds):
        store.get_account(account)  # the territory check's placement
        assess_deal(store, deal)
        score_account(store, account)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench api", description=__doc__)
    ap.add_argument("--store", default="sqlite", help="sqlite (a fresh file) or neo4j-dev")
    ap.add_argument("--contacts", type=int, default=200)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=800)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument(
        "--store-warmup",
        type=int,
        default=50,
        help="rounds of a recompute's reads before the server starts (JIT warm-up)",
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmpdir, _store_url(args.store, Path(tmpdir)) as url:
        tmp = Path(tmpdir)
        config = GeneratorConfig(
            accounts=1,
            seed=args.seed,
            size_min=args.contacts,
            size_max=args.contacts,
            deals_per_account=8.0,
        )
        store = open_store(parse_store_url(url))
        try:
            for batch in generate_portfolio(config):
                store.apply(batch, actor="bench")
            account = store.list_accounts(PageRequest(limit=1)).items[0]
            deals = store.list_deals(PageRequest(limit=100), account_id=account.id).items
            deal = next((d for d in deals if not d.stage.is_closed), deals[0])
            contacts = store.list_contacts(PageRequest(limit=1000), account_id=account.id)
            contact = contacts.items[0].id
            rep = store.list_reps(PageRequest(limit=1)).items[0].id
            _warm_store(store, account.id, deal.id, args.store_warmup)
            key = KeyStore(store).create("bench", [Scope.READ, Scope.WRITE], [ALL_TERRITORIES])
        finally:
            store.close()
        print(
            f"== API on {args.store}: account {account.id} ({contacts.total} contacts), "
            f"deal {deal.id}; {args.clients} clients, graphcrm serve --workers {args.workers} "
            "in a second process =="
        )
        with _server(url, tmp / "keys.sqlite3", port := _free_port(), args.workers):
            asyncio.run(
                _drive(
                    port,
                    key.secret,
                    [
                        ("GET deal risk", f"/v1/deals/{deal.id}/risk"),
                        ("GET account health", f"/v1/accounts/{account.id}/health"),
                    ],
                    {"rep_id": rep, "contact_id": contact},
                    args,
                )
            )


async def _drive(
    port: int,
    key: str,
    paths: list[tuple[str, str]],
    tie: dict[str, str],
    args: argparse.Namespace,
) -> None:
    conns = [_Connection("127.0.0.1", port, key) for _ in range(args.clients)]
    writer = _Connection("127.0.0.1", port, key)

    strengths = itertools.cycle([0.3, 0.4, 0.5, 0.6, 0.7])  # each write changes the tie

    async def write() -> None:
        body = {**tie, "strength": next(strengths)}
        await writer.request("POST", "/v1/rep-knows", json.dumps(body).encode())

    try:
        for label, path in paths:
            samples, wall = await _warm(conns, path, args.requests)
            print(_line(f"{label}, cache-warm", samples, wall), flush=True)
            samples, wall = await _after_write(conns, path, args.rounds, write)
            print(_line(f"{label}, after an invalidating write", samples, wall), flush=True)
    finally:
        for c in [*conns, writer]:
            c.close()


if __name__ == "__main__":
    main()
