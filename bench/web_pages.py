"""Latency of the person-centred pages on a borough: search and the person page.

    JOINEDUP_DATABASE_URL=... JOINEDUP_HOME=... \
        python bench/web_pages.py [--queries 30] [--json]

Needs a store on which ``joinedup ingest`` and ``joinedup link`` have run (the default
borough: ``joinedup simulate --out DIR --scale 1 --seed 0``, then those two). Adds (once) an
analyst in the police agency with grants to every other agency's records (requested by the
bench administrator, approved by a bench data protection officer of each agency), then, as
that analyst:

- searches for names taken from the store (each misspelt where the variant tables know a
  spelling variant), dates of birth and agency references, through ``app.people.search``
  and through ``GET /search`` (the page, rendered);
- opens the person page of each first result, through ``app.people.person`` and
  ``GET /people/{id}`` (with the network within two steps);
- opens a source record from each of those persons' chronologies (``GET /records/{id}``)
  and, chosen at random from the search index, vehicles, phones and places (``GET
  /vehicles/{vrm}``, ``/phones/{number}``, ``/places/{postcode}``).

Reports p50 and p95 of each, and the process's peak memory. Targets (issue 16):
search < 300 ms, person page and the other pages < 500 ms.

``--load SECONDS`` then runs a bounded load on loopback: ``joinedup serve`` in a child
process, ``--users`` signed-in sessions (20 by default) each looping over a search, a person
page and My work for SECONDS; reports requests, errors, p50/p95 per page and the server's
peak memory (VmHWM).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from joinedup.access import directory
from joinedup.access.bootstrap import initialise
from joinedup.app import accounts, people, signin, things
from joinedup.app.context import Caller
from joinedup.app.runtime import Runtime
from joinedup.linkage.names import name_key, variant_groups
from joinedup.model.base import utcnow
from joinedup.model.organisation import Agency
from joinedup.model.records import SourceRecord
from joinedup.settings import SERVICE_ACCOUNT, from_environment
from joinedup.store.actor_session import NotFound
from joinedup.web import create_app
from joinedup.web.security import SESSION_COOKIE

ANALYST, ADMIN, PASSWORD = "bench-web-analyst", "bench-admin", "bench web password 2026!"


def _setup(rt: Runtime) -> None:
    initialise(rt.engine, rt.audit_key, rt.settings.home / "checkpoints", admin=(ADMIN, None))
    with rt.door.session(ADMIN, "administration") as s:
        agencies = s.list(Agency)
        police = next(a for a in agencies if a.kind == "police")
        try:
            directory.user_by_name(s, ANALYST)
            created = False
        except NotFound:
            directory.add_user(s, ANALYST, police.name, "analyst", password=PASSWORD)
            created = True
        requested = []
        for agency in agencies if created else ():
            if agency.id != police.id and agency.kind != "partnership":
                until = utcnow() + timedelta(days=365)
                grant = directory.add_grant(s, ANALYST, agency.name, "analysis", "bench", until)
                dpo = f"bench-dpo-{agency.id[:8]}"
                directory.add_user(s, dpo, agency.name, "auditor")
                requested.append((dpo, grant.id))
    for dpo, grant_id in requested:  # the owning agency approves each grant
        with rt.door.session(dpo, "audit") as s:
            directory.decide_grant(s, grant_id, True, "bench: the analyst reads every agency")
    with contextlib.suppress(ValueError):  # enrolled by an earlier run
        # a session is live only for an account with a second factor
        accounts.enrol_second_factor(rt, ADMIN, ANALYST)


def _queries(rt: Runtime, count: int, seed: int = 1) -> list[str]:
    """Names (misspelt where a variant is known), dates of birth and agency references."""
    with rt.door.session(SERVICE_ACCOUNT, "analysis") as s:
        rows = [
            (key, n)
            for chunk in s.scan(SourceRecord, ["agency_key", "normalised"])
            for _, key, n in chunk
            if n and n.get("surname") and n.get("forename")
        ]
    rng = random.Random(seed)
    picked = rng.sample(rows, min(count, len(rows)))
    variants: dict[str, list[str]] = {}
    for members in variant_groups("forename").values():
        for m in members:
            variants[m] = [v for v in members if v != m]
    queries = []
    for i, (key, n) in enumerate(picked):
        forename = str(n["forename"])
        spelt = variants.get(name_key(forename) or "", [])
        if i % 3 == 0:
            queries.append(f"{(spelt[0] if spelt else forename).title()} {n['surname']}")
        elif i % 3 == 1 and n.get("date_of_birth"):
            queries.append(str(n["date_of_birth"]))
        else:
            queries.append(str(key))
    return queries


def _thing_paths(
    rt: Runtime, who: Caller, person_ids: list[str], count: int, seed: int = 3
) -> dict[str, list[str]]:
    """Pages to time: a source record of each person's chronology (else of their identity);
    vehicles, phones and places (postcodes) chosen at random from the search index; the
    person pages of people tied to the vehicles most records name (the widest networks)."""
    from urllib.parse import quote

    from joinedup.app.people_index import index_for

    rng = random.Random(seed)
    index = index_for(rt)
    out: dict[str, list[str]] = {"record": []}
    for p in person_ids:
        seen = people.person(who, p, rt=rt)
        cited = [e.record_id for e in seen.chronology] or [f.record_id for f in seen.names]
        if cited:
            out["record"].append(f"/records/{rng.choice(cited)}")
    for kind, prefix in (("vehicle", "vrm:"), ("phone", "phone:"), ("place", "postcode:")):
        keys = sorted(k for k in index.postings if k.startswith(prefix))
        chosen = rng.sample(keys, min(count, len(keys)))
        out[kind] = [f"/{kind}s/{quote(k.removeprefix(prefix))}" for k in chosen]
    # the people tied to the busiest vehicles (drivers, passengers ...): the widest networks
    busiest = sorted(
        (k for k in index.postings if k.startswith("vrm:")), key=lambda k: -len(index.postings[k])
    )[:count]
    tied = {
        s.person_id
        for k in busiest
        for s in things.vehicle(who, k.removeprefix("vrm:"), rt=rt).people
        if s.person_id
    }
    out["person_tied"] = [f"/people/{p}" for p in sorted(tied)[:count]]
    return out


def _ok(client: TestClient, path: str) -> Callable[[], Any]:
    def get() -> Any:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer

    return get


def _timed(calls: list[Callable[[], Any]]) -> list[float]:
    out = []
    for call in calls:
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(p95, 1)}


def _load(
    rt: Runtime, queries: list[str], person_ids: list[str], seconds: int, users: int
) -> dict[str, Any]:
    import os
    import socket
    import subprocess
    import sys
    import threading

    import httpx

    from joinedup.access import sessions
    from joinedup.app.signin import identity_path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "joinedup", "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    raws = []
    with identity_path(rt).transaction() as tx:
        user = tx.user(ANALYST)
        assert user is not None
        for _ in range(users):
            raws.append(sessions.create(tx, user, "web load bench", "analysis")[0])
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/sign-in", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        warm = httpx.Client(base_url=base, cookies={SESSION_COOKIE: raws[0]}, timeout=300)
        warm.get("/search", params={"q": queries[0]})  # waits for the search index
        times: dict[str, list[float]] = {"search": [], "person": [], "my_work": []}
        errors: list[str] = []
        stop = time.monotonic() + seconds

        def user_loop(raw: str, seed: int) -> None:
            rng = random.Random(seed)
            client = httpx.Client(base_url=base, cookies={SESSION_COOKIE: raw}, timeout=60)
            while time.monotonic() < stop:
                for kind, path, params in (
                    ("search", "/search", {"q": rng.choice(queries)}),
                    ("person", f"/people/{rng.choice(person_ids)}", {}),
                    ("my_work", "/", {}),
                ):
                    started = time.perf_counter()
                    try:
                        answer = client.get(path, params=params)
                        ok = answer.status_code == 200
                    except httpx.HTTPError as exc:
                        ok, answer = False, exc
                    times[kind].append((time.perf_counter() - started) * 1000)
                    if not ok:
                        errors.append(f"{kind}: {answer}")

        threads = [threading.Thread(target=user_loop, args=(r, i)) for i, r in enumerate(raws)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with open(f"/proc/{server.pid}/status", encoding="utf-8") as status:
            hwm = next(line for line in status if line.startswith("VmHWM"))
        return {
            "users": users,
            "seconds": seconds,
            "requests": sum(len(v) for v in times.values()),
            "errors": len(errors),
            "first_errors": errors[:3],
            **{kind: _summary(v) for kind, v in times.items() if v},
            "server_peak_rss_mib": round(int(hwm.split()[1]) / 1024),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        for raw in raws:
            signin.sign_out(rt, raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--load", type=int, default=0, metavar="SECONDS")
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    rt = Runtime(from_environment())
    _setup(rt)
    who = Caller(ANALYST, "analysis", "bench")
    queries = _queries(rt, args.queries)
    first_search = _timed([lambda: people.search(who, queries[0], rt=rt)])[0]
    found = {q: people.search(who, q, rt=rt) for q in queries}
    person_ids = [r[0].id for r in found.values() if r]
    results: dict[str, Any] = {
        "queries": len(queries),
        "with_results": len(person_ids),
        "first_search_ms": round(first_search, 1),
        "search_app": _summary(_timed([lambda q=q: people.search(who, q, rt=rt) for q in queries])),
        "person_app": _summary(
            _timed([lambda p=p: people.person(who, p, rt=rt) for p in person_ids])
        ),
    }
    from joinedup.access import sessions
    from joinedup.app.signin import identity_path

    with identity_path(rt).transaction() as tx:
        user = tx.user(ANALYST)
        assert user is not None
        raw, _ = sessions.create(tx, user, "web bench", "analysis")
    paths = _thing_paths(rt, who, person_ids, args.queries)
    results["things"] = {kind: len(p) for kind, p in paths.items()}
    with TestClient(create_app(rt.settings)) as client:
        client.cookies.set(SESSION_COOKIE, raw)
        results["search_page"] = _summary(
            _timed([lambda q=q: client.get("/search", params={"q": q}) for q in queries])
        )
        results["person_page"] = _summary(
            _timed([lambda p=p: client.get(f"/people/{p}") for p in person_ids])
        )
        for kind, kind_paths in paths.items():
            if kind_paths:
                results[f"{kind}_page"] = _summary(_timed([_ok(client, p) for p in kind_paths]))
    signin.sign_out(rt, raw)
    if args.load:
        results["load"] = _load(rt, queries, person_ids, args.load, args.users)
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, value in results.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
