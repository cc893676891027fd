#!/usr/bin/env python3
"""Writes N generated users as registration CSV to standard output (deterministic: seed 4).

Columns: email,name,profession,country,account,subscription. Emails are unique after
normalisation and written in mixed case; about 2% of names and 0.2% of emails are non-ASCII
(some in decomposed form, NFD), so normalisation's slow path is exercised too.
"""
import random
import sys
import unicodedata

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rng = random.Random(4)
first = ["Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Greta", "Hugo", "Ines", "Jonas", "Kai", "Lena", "Milo", "Nora", "Otto", "Pia"]
last = ["Novak", "Schmidt", "Rossi", "Dubois", "Garcia", "Jansen", "Nowak", "Horvat", "Silva", "Berg", "Costa", "Weber"]
accented = ["Zoë", "José", "Müller", "Łukasz", "Ørsted", "Çelik", "Škoda", "Émilie"]
countries = ["AT", "DE", "IT", "FR", "ES", "NL", "PL", "HR", "PT", "SE", "GB", "US", "CH", "BE"]
professions = ["radiologist", "radiologist", "radiographer", "other"]
out = sys.stdout
out.write("email,name,profession,country,account,subscription\r\n")
lines = []
for i in range(n):
    f = rng.choice(first)
    l = rng.choice(last)
    if rng.random() < 0.02:
        l = rng.choice(accented)
        if rng.random() < 0.5:
            l = unicodedata.normalize("NFD", l)
    local = f"{f}.{l}{i}" if rng.random() < 0.5 else f"{f.lower()}.{l.lower()}{i}"
    if rng.random() < 0.002:
        local = f"{unicodedata.normalize('NFD', 'Zoë')}.{i}"
    domain = rng.choice(["Example.org", "example.com", "Hospital.AT", "radiology.example.de"])
    name = f"{f} {l}"
    if rng.random() < 0.01:
        name = f"\"{l}, {f}\""
    lines.append(f"{local}@{domain},{name},{rng.choice(professions)},{rng.choice(countries)},active,none\r\n")
    if len(lines) >= 10000:
        out.write("".join(lines))
        lines = []
out.write("".join(lines))
