#!/usr/bin/env python3
"""Writes partition.json: FNV-1a 32-bit over UTF-8 bytes, and partition = hash mod P.

Independent of the TypeScript implementation on purpose: run it with python3 (no
third-party modules) and commit its output; partition.test.ts checks the code against it.
"""
import json
import os


def fnv1a32(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) % 2**32
    return h


# Published FNV-1a 32 test values (Fowler/Noll/Vo test suite) keep this script honest.
assert fnv1a32(b"") == 0x811C9DC5
assert fnv1a32(b"a") == 0xE40C292C
assert fnv1a32(b"foobar") == 0xBF9CF968

symbols = [
    "a",
    "foobar",
    "AAPL",
    "MSFT",
    "TSLA",
    "BTC-USD",
    "ETHUSDT",
    "ES=F",
    "BRK-B",
    "EUR/USD",
    "6758:JP",
    "SPX_500",
    "\u00c4PFEL",  # 2-byte UTF-8
    "\u65e5\u7d4c225",  # 3-byte UTF-8
    "\U0001F600X",  # 4-byte UTF-8 (a surrogate pair in JavaScript)
    "X" * 64,  # the longest allowed symbol
]

vectors = []
for s in symbols:
    h = fnv1a32(s.encode("utf-8"))
    vectors.append({"symbol": s, "fnv1a32": f"{h:08x}", "p16": h % 16, "p7": h % 7})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "partition.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(vectors, f, ensure_ascii=True, indent=2)
    f.write("\n")
print(f"wrote {len(vectors)} vectors to {out}")
