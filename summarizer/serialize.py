"""Typed (de)serialisation of the core's frozen dataclasses to and from JSON-ready data.

One serializer for every stored or transmitted result: `to_data` turns a dataclass into
dicts, lists, strings and numbers, `from_data` rebuilds it and checks every value against
the field's declared type. Both are driven by `dataclasses.fields` and the type hints, so
a field added to a type in `summarizer.types` is stored and read back with no change here,
and a field of a type this module cannot represent fails at once (TypeError) instead of
being dropped.

Supported field types: `str`, `int`, `float`, `bool`, `None`, `Literal[...]`, unions
(`X | None`), `tuple[X, ...]`, `tuple[X, Y]`, `list[X]`, `frozenset[X]` (stored sorted),
`dict[str, X]`, and dataclasses of such fields. Reading is strict: a value of another type,
an unknown key or a missing field is a `DataError`; nothing is coerced ("1" is not 1).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

T = TypeVar("T")
# Where a value sits in the data, for error messages: "$", or (parent, ".field") or
# (parent, index), joined into "$.actors[3].name" only when an error is raised (building
# the text for every value read would cost more than reading it).
Path = str | tuple[Any, Any]
Encode = Callable[[Any], Any]
Decode = Callable[[Any, Path], Any]


def _where(path: Path) -> str:
    parts: list[str] = []
    while isinstance(path, tuple):
        path, step = path
        parts.append(step if isinstance(step, str) else f"[{step}]")
    return path + "".join(reversed(parts))


class DataError(ValueError):
    """Data that does not fit the type it is read as; the message gives the path."""


def to_data(value: Any, *, omit: Collection[str] = ()) -> dict[str, Any]:
    """`value` (a dataclass instance) as JSON-ready data, one key per field.

    Args:
        omit: top-level fields to leave out (the caller supplies them again on reading,
            through `from_data(..., given=...)`).
    """
    kind = type(value)
    if not dataclasses.is_dataclass(kind):
        raise TypeError(f"to_data needs a dataclass instance, not {kind.__name__}")
    return {name: encode(getattr(value, name))
            for name, (encode, _) in _fields(kind).items() if name not in omit}


def from_data(kind: type[T], data: object, *, given: Mapping[str, Any] | None = None,
              partial: bool = False) -> T:
    """Rebuild a `kind` (a dataclass) from `to_data` output, checking every value.

    Args:
        given: top-level fields supplied by the caller instead of read from `data`.
        partial: a field missing from `data` takes its default; by default every field
            must be present, so data written before a field existed is refused, not
            silently completed.

    Raises:
        DataError: `data` does not fit `kind`.
    """
    if not dataclasses.is_dataclass(kind):
        raise TypeError(f"from_data needs a dataclass type, not {kind!r}")
    result: T = _read_dataclass(kind, data, "$", dict(given or {}), partial)
    return result


@functools.lru_cache(maxsize=256)
def _fields(kind: type) -> dict[str, tuple[Encode, Decode]]:
    """Each init field of the dataclass `kind` with its codec; bounded by the number of
    types in the code base (a few dozen), so the cache never evicts in practice."""
    hints = typing.get_type_hints(kind)
    return {field.name: _codec(hints[field.name], f"{kind.__name__}.{field.name}")
            for field in dataclasses.fields(kind) if field.init}


def _read_dataclass(kind: type, data: object, path: Path, given: dict[str, Any],
                    partial: bool) -> Any:
    if not isinstance(data, dict):
        raise DataError(f"{_where(path)}: expected an object for {kind.__name__}, "
                        f"got {type(data).__name__}")
    codecs = _fields(kind)
    if given or not codecs.keys() >= data.keys():
        unknown = [key for key in data if key not in codecs or key in given]
    else:
        unknown = []
    if unknown:
        raise DataError(f"{_where(path)}: unexpected field {str(unknown[0])[:40]!r} "
                        f"for {kind.__name__}")
    values = dict(given)
    for name, (_, decode) in codecs.items():
        if name in values:
            continue
        if name in data:
            values[name] = decode(data[name], (path, "." + name))
        elif not (partial and _has_default(kind, name)):
            raise DataError(f"{_where(path)}: missing field {name!r} for {kind.__name__}")
    try:
        return kind(**values)
    except (TypeError, ValueError) as error:  # a __post_init__ that refuses the values
        raise DataError(f"{_where(path)}: {kind.__name__}: {error}") from None


def _has_default(kind: type, name: str) -> bool:
    field = next(f for f in dataclasses.fields(kind) if f.name == name)
    return (field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING)


def _codec(hint: Any, where: str) -> tuple[Encode, Decode]:
    """The (encode, decode) pair for one declared type.

    Raises:
        TypeError: a type this module cannot represent in JSON; `where` names the field.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        kind: type = hint  # type: ignore[assignment]
        return (to_data,
                lambda data, path: _read_dataclass(kind, data, path, {}, False))
    if hint in (str, bool):
        return _identity, _checked(hint)
    if hint is int:
        return _identity, _integer
    if hint is float:
        return _identity, _number
    if hint is type(None):
        return _identity, _checked(type(None))
    if origin is typing.Literal:
        return _identity, _literal(args)
    if origin in (typing.Union, types.UnionType):
        return _union(hint, where)
    if origin in (tuple, list, frozenset):
        return _sequence(origin, args, where)
    if origin is dict and args and args[0] is str:
        encode_value, decode_value = _codec(args[1], where)

        def decode_dict(data: object, path: Path) -> dict[str, Any]:
            if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
                raise DataError(f"{_where(path)}: expected an object with string keys")
            return {k: decode_value(v, (path, f"[{k[:40]!r}]")) for k, v in data.items()}

        return (lambda value: {k: encode_value(v) for k, v in value.items()}), decode_dict
    raise TypeError(f"{where}: cannot serialise a field of type {hint!r}")


def _identity(value: Any) -> Any:
    return value


def _checked(kind: type) -> Decode:
    def decode(data: object, path: Path) -> Any:
        if type(data) is not kind:  # exact: a bool is not taken for an int, nor the reverse
            raise DataError(f"{_where(path)}: expected {kind.__name__}, got {type(data).__name__}")
        return data

    return decode


def _integer(data: object, path: Path) -> int:
    if type(data) is not int:
        raise DataError(f"{_where(path)}: expected int, got {type(data).__name__}")
    return data


def _number(data: object, path: Path) -> float:
    # JSON writes 1.0 as 1.0, but a float field may hold a whole number written by another
    # writer as 1: both are numbers, a bool is not.
    if type(data) not in (int, float):
        raise DataError(f"{_where(path)}: expected a number, got {type(data).__name__}")
    return float(data)  # type: ignore[arg-type]


def _literal(values: tuple[Any, ...]) -> Decode:
    def decode(data: object, path: Path) -> Any:
        for value in values:
            if type(data) is type(value) and data == value:
                return value
        raise DataError(f"{_where(path)}: expected one of {list(values)}, got {repr(data)[:40]}")

    return decode


def _union(hint: Any, where: str) -> tuple[Encode, Decode]:
    members = typing.get_args(hint)
    codecs = [(member, *_codec(member, where)) for member in members]

    def encode(value: Any) -> Any:
        for member, encode_member, _ in codecs:
            if _is_instance(value, member):
                return encode_member(value)
        raise TypeError(f"{where}: {type(value).__name__} is none of {hint!r}")

    def decode(data: object, path: Path) -> Any:
        for _, _, decode_member in codecs:
            try:
                return decode_member(data, path)
            except DataError:
                continue
        raise DataError(f"{_where(path)}: {repr(data)[:40]} fits none of {hint!r}")

    return encode, decode


def _is_instance(value: Any, hint: Any) -> bool:
    """Whether `value` is of the declared type `hint` (its outer type only: enough to pick
    the member of a union to encode it with)."""
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return any(type(value) is type(v) and value == v for v in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is int:
        return type(value) is int
    if hint is float:
        return type(value) in (int, float)
    return isinstance(value, origin or hint)


def _sequence(origin: type, args: tuple[Any, ...], where: str) -> tuple[Encode, Decode]:
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        # A fixed-length tuple: tuple[int, str].
        if not args:
            raise TypeError(f"{where}: cannot serialise a bare tuple")
        codecs = [_codec(arg, where) for arg in args]

        def encode_fixed(value: Any) -> list[Any]:
            return [encode(item) for (encode, _), item in zip(codecs, value, strict=True)]

        def decode_fixed(data: object, path: Path) -> tuple[Any, ...]:
            if not isinstance(data, list) or len(data) != len(codecs):
                raise DataError(f"{_where(path)}: expected a list of {len(codecs)} items")
            return tuple(decode(item, (path, i))
                         for i, ((_, decode), item) in enumerate(zip(codecs, data, strict=True)))

        return encode_fixed, decode_fixed
    if len(args) not in (1, 2):
        raise TypeError(f"{where}: cannot serialise a bare {origin.__name__}")
    encode_item, decode_item = _codec(args[0], where)

    def encode(value: Any) -> list[Any]:
        items = [encode_item(item) for item in value]
        if origin is frozenset:
            # A set has no order: sorted, so that one value always gives the same text.
            items.sort(key=repr)
        return items

    def decode(data: object, path: Path) -> Any:
        if not isinstance(data, list):
            raise DataError(f"{_where(path)}: expected a list, got {type(data).__name__}")
        return origin(decode_item(item, (path, i)) for i, item in enumerate(data))

    return encode, decode
