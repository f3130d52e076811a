#!/usr/bin/env python3
"""Writes messages.hex.json: wire messages and their expected MessagePack bytes.

The encoder below is written from the MessagePack spec (github.com/msgpack/msgpack/blob/
master/spec.md), not from msgpackr, so messages.test.ts compares the TypeScript codec
against an independent encoding. It implements the canonical form the README specifies:
- a message is a map (fixmap below 16 entries), keys in schema order;
- strings: UTF-8, shortest header (fixstr, str8, str16, str32);
- numbers are JavaScript numbers: an integer in [-2^31, 2^32) takes the shortest int
  form (positive fixint, uint8/16/32, negative fixint, int8/16/32); every other number
  (fractions, larger integers such as ms timestamps) is float64;
- true/false; bytes as bin8/bin16/bin32.
python3's standard library only; no msgpack module needed.
"""
import json
import os
import struct


def enc(value) -> bytes:
    if value is True:
        return b"\xc3"
    if value is False:
        return b"\xc2"
    if isinstance(value, bytes):
        n = len(value)
        if n < 0x100:
            return b"\xc4" + struct.pack(">B", n) + value
        if n < 0x10000:
            return b"\xc5" + struct.pack(">H", n) + value
        return b"\xc6" + struct.pack(">I", n) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        n = len(data)
        if n < 32:
            return bytes([0xA0 | n]) + data
        if n < 0x100:
            return b"\xd9" + struct.pack(">B", n) + data
        if n < 0x10000:
            return b"\xda" + struct.pack(">H", n) + data
        return b"\xdb" + struct.pack(">I", n) + data
    if isinstance(value, (int, float)):
        if float(value).is_integer() and -(2**31) <= value < 2**32:
            n = int(value)
            if 0 <= n < 0x80:
                return bytes([n])
            if 0 <= n < 0x100:
                return b"\xcc" + struct.pack(">B", n)
            if 0 <= n < 0x10000:
                return b"\xcd" + struct.pack(">H", n)
            if n >= 0:
                return b"\xce" + struct.pack(">I", n)
            if n >= -32:
                return struct.pack(">b", n)
            if n >= -0x80:
                return b"\xd0" + struct.pack(">b", n)
            if n >= -0x8000:
                return b"\xd1" + struct.pack(">h", n)
            return b"\xd2" + struct.pack(">i", n)
        return b"\xcb" + struct.pack(">d", float(value))
    if isinstance(value, dict):
        n = len(value)
        head = bytes([0x80 | n]) if n < 16 else b"\xde" + struct.pack(">H", n)
        return head + b"".join(enc(k) + enc(v) for k, v in value.items())
    raise TypeError(f"no canonical encoding for {value!r}")


# Spot checks against byte sequences written out by hand from the spec.
assert enc({"v": 1}) == bytes.fromhex("81 a1 76 01")
assert enc(187.25) == bytes.fromhex("cb 40 67 68 00 00 00 00 00")
assert enc(1700000000123) == bytes.fromhex("cb 42 78 bc fe 56 87 b0 00")
assert enc(300) == bytes.fromhex("cd 01 2c")

TS = 1700000000123
vectors = [
    ("tick", "tick, integer size, small sequence number",
     {"v": 1, "symbol": "AAPL", "price": 187.25, "size": 100, "ts": TS,
      "source": "nasdaq", "sourceSeq": 42}),
    ("tick", "tick with open interest, fractional size, sequence number above 2^32",
     {"v": 1, "symbol": "BTC-USD", "price": 43250.5, "size": 0.015, "ts": TS,
      "source": "binance", "sourceSeq": 2**32 + 7, "openInterest": 81234.25}),
    ("tick", "tick with a 2-byte UTF-8 symbol and a uint16 sequence number",
     {"v": 1, "symbol": "\u00c4PFEL", "price": 5, "size": 0, "ts": TS,
      "source": "xetra", "sourceSeq": 300}),
    ("candle", "open 1m candle",
     {"v": 1, "symbol": "AAPL", "tf": "1m", "start": 1700000040000, "open": 187.25,
      "high": 187.5, "low": 187, "close": 187.4, "volume": 1200, "trades": 14,
      "closed": False}),
    ("control", "reload request",
     {"v": 1, "type": "reload", "reason": "cli", "at": TS}),
    ("control", "inspect on for one actor kind",
     {"v": 1, "type": "inspect", "enabled": True, "actorKind": "symbolCache", "at": TS}),
    ("control", "breaker reset",
     {"v": 1, "type": "breaker", "action": "reset", "name": "candlePublish", "at": TS}),
    ("control", "instrument add with expiry",
     {"v": 1, "type": "instrument", "action": "add", "symbol": "ESZ5",
      "expiresAt": 1765497600000, "at": TS}),
    ("errorEntry", "actor failure with state and cause",
     {"v": 1, "source": "symbolCache/AAPL", "kind": "symbolCache", "state": "live",
      "code": "publish_failed", "message": "candle publish timed out",
      "cause": "TimeoutError: 2000 ms", "at": TS}),
    ("deadLetter", "undecodable payload",
     {"v": 1, "reason": "decode_failed", "subject": "md.tick.11.AAPL",
      "detail": "not MessagePack", "at": TS, "payload": bytes.fromhex("c1ff00"),
      "payloadSize": 3}),
]


def to_json(value):
    if isinstance(value, bytes):
        return {"$hex": value.hex()}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


out = [
    {"type": t, "name": name, "message": to_json(message), "hex": enc(message).hex()}
    for t, name, message in vectors
]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "messages.hex.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=True, indent=2)
    f.write("\n")
print(f"wrote {len(out)} vectors to {path}")
