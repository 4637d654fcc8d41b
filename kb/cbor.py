"""CBOR (RFC 8949), the subset Pagefind's index files use: integers, strings, arrays, maps, booleans, null."""

from __future__ import annotations

import struct

Value = int | str | bytes | list["Value"] | dict["Value", "Value"] | bool | None


class CBORError(ValueError):
    """Bytes that are not CBOR of the supported subset."""


def loads(data: bytes) -> Value:
    """Decode one CBOR value that fills `data` exactly."""
    value, end = _decode(data, 0)
    if end != len(data):
        raise CBORError(f"{len(data) - end} bytes after the value")
    return value


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, offset after the head)."""
    if at >= len(data):
        raise CBORError("truncated")
    first = data[at]
    major, info = first >> 5, first & 0x1F
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise CBORError(f"unsupported additional information {info} at byte {at}")
    size = 1 << (info - 24)
    if at + 1 + size > len(data):
        raise CBORError("truncated")
    return major, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def _decode(data: bytes, at: int) -> tuple[Value, int]:
    major, arg, at = _head(data, at)
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        if at + arg > len(data):
            raise CBORError("truncated")
        raw = data[at : at + arg]
        return (raw if major == 2 else raw.decode("utf-8")), at + arg
    if major == 4:
        items: list[Value] = []
        for _ in range(arg):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping: dict[Value, Value] = {}
        for _ in range(arg):
            key, at = _decode(data, at)
            mapping[key], at = _decode(data, at)  # type: ignore[index]
        return mapping, at
    if major == 7 and arg in (20, 21, 22):
        return {20: False, 21: True, 22: None}[arg], at
    raise CBORError(f"unsupported major type {major} (argument {arg})")


def dumps(value: Value) -> bytes:
    """Encode with the shortest heads, as Pagefind writes them."""
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _put_head(major: int, arg: int, out: bytearray) -> None:
    if arg < 24:
        out.append(major << 5 | arg)
    elif arg < 1 << 8:
        out += bytes((major << 5 | 24, arg))
    elif arg < 1 << 16:
        out += bytes((major << 5 | 25,)) + struct.pack(">H", arg)
    elif arg < 1 << 32:
        out += bytes((major << 5 | 26,)) + struct.pack(">I", arg)
    else:
        out += bytes((major << 5 | 27,)) + struct.pack(">Q", arg)


def _encode(value: Value, out: bytearray) -> None:
    if value is None or isinstance(value, bool):
        out.append(0xF6 if value is None else 0xF5 if value else 0xF4)
    elif isinstance(value, int):
        _put_head(0, value, out) if value >= 0 else _put_head(1, -1 - value, out)
    elif isinstance(value, bytes):
        _put_head(2, len(value), out)
        out += value
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        _put_head(3, len(raw), out)
        out += raw
    elif isinstance(value, list):
        _put_head(4, len(value), out)
        for item in value:
            _encode(item, out)
    elif isinstance(value, dict):
        _put_head(5, len(value), out)
        for key, item in value.items():
            _encode(key, out)
            _encode(item, out)
    else:
        raise CBORError(f"cannot encode {type(value).__name__}")
