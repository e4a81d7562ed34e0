"""Concurrent partial updates from several clients, counting the updates lost.

Eight clients each own one field of one of two contacts (``M1-C1`` and
``M1-C2``: name, title, department, phone). Each round a client reads the
contact, checks that its own field still holds the value it wrote last (if not,
another client's write put back a stale copy: one lost update), and writes a
new value of its field alone. Half the clients send ``If-Match: *``, half the
ETag of their read (and read again on 412). A final read checks every field
once more. With the partial update merged under the store's write lock the
count is 0.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

CONTACTS = ("M1-C1", "M1-C2")
FIELDS = ("name", "title", "department", "phone")


@dataclass
class Tally:
    writes: int = 0
    lost: int = 0
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client(base: str, key: str, n: int, rounds: int, tally: Tally, last: dict[int, str]) -> None:
    contact = CONTACTS[n % len(CONTACTS)]
    name = FIELDS[n // len(CONTACTS) % len(FIELDS)]
    star = n % 2 == 0
    h = {"X-API-Key": key}
    url = f"{base}/v1/contacts/{contact}"
    with httpx.Client(timeout=60) as http:
        for r in range(rounds):
            value = f"c{n} r{r}"
            for _ in range(100):
                got = http.get(url, headers=h)
                if got.status_code != 200:
                    tally.errors.append(f"GET {got.status_code} {got.text}")
                    return
                if n in last and got.json()[name] != last[n]:
                    with tally.lock:
                        tally.lost += 1
                tag = "*" if star else got.headers["ETag"]
                put = http.patch(url, headers={**h, "If-Match": tag}, json={name: value})
                if put.status_code == 200:
                    last[n] = value
                    with tally.lock:
                        tally.writes += 1
                    break
                if put.status_code != 412 or star:
                    tally.errors.append(f"PATCH {put.status_code} {put.text}")
                    return
                with tally.lock:
                    tally.retries += 1


def count_lost_updates(
    bases: Sequence[str], key: str, *, clients: int = 8, rounds: int = 15
) -> Tally:
    """Run ``clients`` clients, spread over the servers at ``bases``, ``rounds`` writes each."""
    tally = Tally()
    last: dict[int, str] = {}
    threads = [
        threading.Thread(target=_client, args=(bases[n % len(bases)], key, n, rounds, tally, last))
        for n in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    h = {"X-API-Key": key}
    for n in range(clients):
        contact = CONTACTS[n % len(CONTACTS)]
        name = FIELDS[n // len(CONTACTS) % len(FIELDS)]
        final = httpx.get(f"{bases[0]}/v1/contacts/{contact}", headers=h, timeout=60).json()
        if n in last and final[name] != last[n]:
            tally.lost += 1
    return tally
