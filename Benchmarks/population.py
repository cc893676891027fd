#!/usr/bin/env python3
"""A realistic population for the service benchmark (Benchmarks/population.sh), and the peers.

    population.py generate USERS REQUESTS OUTDIR [SEED]
        OUTDIR/users-DAY.csv   the users enrolled on each day of the free window (13 files),
        OUTDIR/users-none.csv  the users never enrolled,
        OUTDIR/requests.jsonl  REQUESTS `check` requests for random users, lectures and instants
                               over 20 days around the free window.
    population.py sampled-diff FACTS.tsv DIFF.json NEW_END_MS [USERS]
        The peer of `admit policy diff` (Benchmarks/policy-diff.sh): Cedar has no way to compare
        two policies over a population, so the nearest is to sample. For USERS users (default
        100) x 39 lectures x 24 instants a day over 30 days around the window, decides each
        request under the shipped policy and under one whose free window ends at NEW_END_MS,
        checks that every user whose answer flips is one DIFF.json (`admit policy diff --users
        --json`) names as gaining, and prints Cedar's decisions per second and what sampling the
        whole population that way would take.
    population.py peers FACTS.tsv REQUESTS.jsonl REPLIES.jsonl
        Decides the same requests for the same users through Cedar (PyPI cedarpy, one batch) and
        Casbin (PyPI casbin), checks that every answer equals Admit's reply, and prints one line
        of JSON with each peer's decisions per second.

FACTS.tsv is what the database holds after registration, one user a line:
email, account, subscription, enrolled_at (ms or empty), withdrawn_at (ms or empty).
"""
import json
import os
import random
import sys
import time

WINDOW_START = 1604790000000  # 2020-11-08T00:00:00+01:00
WINDOW_END = 1605913200000  # 2020-11-21T00:00:00+01:00
DAY = 86_400_000
LECTURES = 39


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def generate(users, requests, out, seed=3):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    header = "email,name,profession,country,account,subscription\n"
    files = {}

    def file(name):
        if name not in files:
            files[name] = open(os.path.join(out, f"users-{name}.csv"), "w")
            files[name].write(header)
        return files[name]

    countries = ["AT", "DE", "IT", "FR", "ES", "GB", "PT", "NL", "PL", "SE"]
    for i in range(users):
        profession = rng.choices(["radiologist", "radiographer", "other"], [50, 30, 20])[0]
        country = "" if rng.random() < 0.08 else rng.choice(countries)
        account = rng.choices(["active", "suspended", "closed"], [90, 7, 3])[0]
        subscription = "premium" if rng.random() < 0.15 else "none"
        day = rng.randrange(13) if rng.random() < 0.6 else None
        target = file("none" if day is None else f"{day:02d}")
        target.write(f"user{i}@example.org,User {i},{profession},{country},{account},{subscription}\n")
    for f in files.values():
        f.close()
    with open(os.path.join(out, "requests.jsonl"), "w") as f:
        for k in range(requests):
            at = WINDOW_START - 3 * DAY + rng.randrange(0, 20 * DAY)
            f.write(json.dumps({
                "jsonrpc": "2.0", "id": k, "method": "check", "params": {
                    "user": f"user{rng.randrange(users)}@example.org",
                    "lecture": f"idor-2020-{rng.randrange(1, LECTURES + 1):02d}", "at": iso(at)}},
                separators=(",", ":")) + "\n")


def cedar_policy(free_end=WINDOW_END):
    return f"""
permit(principal, action == Action::"open", resource in Package::"idor-2020")
when {{ principal.account == "active" && principal has enrolledAt && principal.enrolledAt <= context.now
        && (!(principal has withdrawnAt) || context.now < principal.withdrawnAt)
        && {WINDOW_START} <= context.now && context.now < {free_end} }};
permit(principal, action == Action::"open", resource in Package::"idor-2020")
when {{ principal.subscription == "premium" && {WINDOW_END} <= context.now }};
forbid(principal, action, resource) when {{ principal.account != "active" }};
"""


CEDAR_POLICY = cedar_policy()

CASBIN_MODEL = """
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub_rule, obj, act, eft

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = eval(p.sub_rule) && r.obj.package == p.obj && r.act == p.act
"""

CASBIN_POLICY = f"""p, r.sub.account == 'active' && r.sub.enrolled_at <= r.obj.at && r.obj.at < r.sub.withdrawn_at && {WINDOW_START} <= r.obj.at && r.obj.at < {WINDOW_END}, idor-2020, open, allow
p, r.sub.subscription == 'premium' && {WINDOW_END} <= r.obj.at, idor-2020, open, allow
p, r.sub.account != 'active', idor-2020, open, deny
"""


def parse_instant(text):
    # The generator writes UTC instants with milliseconds: YYYY-MM-DDTHH:MM:SS.mmmZ.
    import calendar
    seconds = calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    return seconds * 1000 + int(text[20:23])


def read_facts(facts_path):
    users = {}
    for line in open(facts_path):
        email, account, subscription, enrolled, withdrawn = line.rstrip("\n").split("\t")
        users[email] = (account, subscription, int(enrolled) if enrolled else None, int(withdrawn) if withdrawn else None)
    return users


def cedar_entities(users):
    entities = [{"uid": {"type": "Package", "id": "idor-2020"}, "attrs": {}, "parents": []}]
    entities += [{"uid": {"type": "Lecture", "id": f"idor-2020-{n:02d}"}, "attrs": {},
                  "parents": [{"type": "Package", "id": "idor-2020"}]} for n in range(1, LECTURES + 1)]
    for email, (account, subscription, enrolled, withdrawn) in users.items():
        attrs = {"account": account, "subscription": subscription}
        if enrolled is not None:
            attrs["enrolledAt"] = enrolled
        if withdrawn is not None:
            attrs["withdrawnAt"] = withdrawn
        entities.append({"uid": {"type": "User", "id": email}, "attrs": attrs, "parents": []})
    return entities


def sampled_diff(facts_path, diff_path, new_end, sample_users=100):
    import cedarpy
    users = read_facts(facts_path)
    diff = json.load(open(diff_path))
    gaining = set()
    for change in diff["changes"]:
        if change["kind"] == "gain":
            gaining.update(u["email"] for u in change["users"])
    chosen = dict(sorted(users.items())[:sample_users])
    entities = cedar_entities(chosen)
    per_day = 24
    days = 30
    start = WINDOW_START - 5 * DAY
    instants = [start + (DAY // per_day) * i for i in range(days * per_day)]
    flipped = set()
    decided = 0
    seconds = 0.0
    for email in chosen:
        batch = [{"principal": f'User::"{email}"', "action": 'Action::"open"', "resource": f'Lecture::"idor-2020-{n:02d}"',
                  "context": {"now": t}} for n in range(1, LECTURES + 1) for t in instants]
        started = time.perf_counter()
        old = cedarpy.is_authorized_batch(batch, CEDAR_POLICY, entities)
        new = cedarpy.is_authorized_batch(batch, cedar_policy(new_end), entities)
        seconds += time.perf_counter() - started
        decided += 2 * len(batch)
        if any(a.allowed != b.allowed for a, b in zip(old, new)):
            flipped.add(email)
    missing = sorted(flipped - gaining)
    population = diff["users"]
    result = {
        "sampledUsers": len(chosen), "decisions": decided, "cedarPerSecond": round(decided / seconds),
        "flippedInSample": len(flipped), "flippedNotInAdmitDiff": len(missing),
        "secondsToSampleThePopulation": round(population * LECTURES * len(instants) * 2 / (decided / seconds)),
    }
    print(json.dumps(result))
    if missing:
        print("users whose sampled answers flip but Admit's diff does not name: " + ", ".join(missing[:10]), file=sys.stderr)
        sys.exit(1)


def peers(facts_path, requests_path, replies_path):
    users = read_facts(facts_path)
    requests = [json.loads(line) for line in open(requests_path)]
    admit = {}
    for line in open(replies_path):
        reply = json.loads(line)
        if "result" in reply:
            admit[reply["id"]] = reply["result"]["decision"]
    # Admit's replies may cover more requests than the file (admit-load wraps around): the first
    # reply to each id is the one compared.
    result = {"requests": len(requests), "admitAnswered": len(admit)}

    import cedarpy
    entities = cedar_entities(users)
    batch = [{"principal": f'User::"{r["params"]["user"]}"', "action": 'Action::"open"',
              "resource": f'Lecture::"{r["params"]["lecture"]}"', "context": {"now": parse_instant(r["params"]["at"])}}
             for r in requests]
    started = time.perf_counter()
    answers = cedarpy.is_authorized_batch(batch, CEDAR_POLICY, entities)
    seconds = time.perf_counter() - started
    cedar = ["allow" if a.allowed else "deny" for a in answers]
    result["cedarPerSecond"] = round(len(batch) / seconds)
    result["cedarDisagreements"] = sum(1 for r, c in zip(requests, cedar) if admit.get(r["id"]) not in (None, c))

    import casbin
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        model = os.path.join(folder, "model.conf")
        policy = os.path.join(folder, "policy.csv")
        open(model, "w").write(CASBIN_MODEL)
        open(policy, "w").write(CASBIN_POLICY)
        enforcer = casbin.Enforcer(model, policy)

        class Subject:
            __slots__ = ("account", "subscription", "enrolled_at", "withdrawn_at")

        class Resource:
            __slots__ = ("package", "at")

        subjects = {}
        for email, (account, subscription, enrolled, withdrawn) in users.items():
            s = Subject()
            s.account, s.subscription = account, subscription
            s.enrolled_at = enrolled if enrolled is not None else 2**62
            s.withdrawn_at = withdrawn if withdrawn is not None else 2**62
            subjects[email] = s
        sample = requests[: min(len(requests), 30_000)]  # Casbin evaluates each rule's expression per request: slow
        objects = []
        for r in sample:
            o = Resource()
            o.package, o.at = "idor-2020", parse_instant(r["params"]["at"])
            objects.append(o)
        started = time.perf_counter()
        casbin_answers = ["allow" if enforcer.enforce(subjects[r["params"]["user"]], o, "open") else "deny"
                          for r, o in zip(sample, objects)]
        seconds = time.perf_counter() - started
    result["casbinRequests"] = len(sample)
    result["casbinPerSecond"] = round(len(sample) / seconds)
    result["casbinDisagreements"] = sum(1 for r, c in zip(sample, casbin_answers) if admit.get(r["id"]) not in (None, c))
    print(json.dumps(result))
    if result["cedarDisagreements"] or result["casbinDisagreements"]:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "generate":
        generate(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 3)
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "sampled-diff":
        sampled_diff(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) > 5 else 100)
    elif len(sys.argv) == 5 and sys.argv[1] == "peers":
        peers(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
