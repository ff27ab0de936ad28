"""Assembly: source records plus linkage into one joined-up picture (POLE entities, events, links).

The stage between linkage and the analyses (risk tool and rules, networks, estimation). It reads
through the one door, so every picture holds only what the acting user may see.
"""
