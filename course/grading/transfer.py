"""Answers as data: how a student's named values cross from the sandboxed kernel to the checker.

The checks of an assignment never run in the student's kernel. For each test cell the grader
asks the student's kernel for the few names the test reads (PrairieLearn's ``names_from_user``)
and the kernel answers with **data only**: JSON, in which pandas objects, numpy values and
plotly figures have a tagged form. Nothing is pickled, so no object of the student's can run
code on the checker's side, and the payload has a size limit.

* :func:`export` runs inside the student's kernel (called through a Jupyter ``user_expressions``
  request). It returns a :class:`Payload` whose ``text/plain`` form is the JSON text.
* :func:`load_payload` runs in the checker. It parses the JSON and rebuilds each value; a value
  that could not be sent becomes an :class:`Unreadable` marker with a plain reason.

What can be sent, and comes back as the same type:

* ``None``, ``bool``, ``int``, ``float`` (``nan`` and ``inf`` too), ``str``, ``bytes``,
  ``complex``, ``decimal.Decimal``;
* ``list``, ``tuple``, ``set``, ``frozenset``, ``dict``, ``range`` of those;
* ``datetime.date``/``datetime``/``time``/``timedelta``; ``pd.Timestamp``, ``pd.Timedelta``,
  ``pd.NaT``, ``pd.NA``;
* numpy scalars and arrays of booleans, numbers, dates, durations, text or objects;
* ``pd.DataFrame``, ``pd.Series`` and ``pd.Index`` (``MultiIndex`` and ``RangeIndex`` too), with
  their index, column names and dtypes, including categoricals, nullable and string dtypes and
  time zones;
* plotly figures, in plotly's own JSON (its typed arrays are rebuilt as numpy arrays, integers
  as 64-bit integers as pandas and plotly express make them).

Anything else (a function, a module, a matplotlib figure, a widget, an open file) is reported as
unreadable, with its type named, and the check that needs it fails with that message.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
import sys
from typing import Any

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Payload",
    "TransferError",
    "Unreadable",
    "decode",
    "encode",
    "export",
    "load_payload",
]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 60
FORMAT = "course-answers/1"
_SUPPORTED = "a number, text, list, dict, DataFrame, Series, numpy array, date or plotly figure"
# plotly.js typed arrays (plotly's own JSON writes numpy arrays this way)
_PLOTLY_TYPES = {
    "i1": "int8",
    "u1": "uint8",
    "i2": "int16",
    "u2": "uint16",
    "i4": "int32",
    "u4": "uint32",
    "f4": "float32",
    "f8": "float64",
}


class TransferError(ValueError):
    """A value cannot be sent as data, or a payload cannot be read back."""


class Unreadable:
    """Stands in the checker for a student's value that could not be sent as data.

    ``name`` is the variable's name and ``reason`` says why, in words a student can act on.
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name, self.reason = name, reason

    @property
    def message(self) -> str:
        return f"The grader could not read your variable `{self.name}`: {self.reason}"

    def __repr__(self) -> str:
        return f"<unreadable {self.name}: {self.reason}>"


class Payload:
    """The kernel's answer to a transfer request; IPython shows it as its JSON text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text}

    def __repr__(self) -> str:
        return self.text


# --------------------------------------------------------------------------------------------
# Encoding (runs in the student's kernel)


def _type_name(value: Any) -> str:
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _unsupported(value: Any) -> TransferError:
    name = _type_name(value)
    hint = ""
    if "matplotlib" in name:
        hint = " Draw the chart with plotly express (px) and store the figure instead."
    elif callable(value):
        hint = " Store the result of your code in the variable, not a function."
    return TransferError(f"it is a {name}, which cannot be sent as data; use {_SUPPORTED}.{hint}")


def _pandas() -> Any:
    return sys.modules.get("pandas")


def _numpy() -> Any:
    return sys.modules.get("numpy")


def _is_plotly_figure(value: Any) -> bool:
    base = sys.modules.get("plotly.basedatatypes")
    return base is not None and isinstance(value, base.BaseFigure)


def _encode_array(values: Any, depth: int) -> dict[str, Any]:
    """A one-dimensional pandas or numpy array as ``{"dtype": ..., "values" or "i8": [...]}``."""
    pd, np = _pandas(), _numpy()
    if np is None:
        raise TransferError("numpy is needed to send arrays")
    dtype = values.dtype
    text = str(dtype)
    if pd is not None and isinstance(dtype, pd.CategoricalDtype):
        categorical = pd.Categorical(values)
        return {
            "dtype": "category",
            "ordered": bool(dtype.ordered),
            "categories": _encode_index(categorical.categories, depth + 1),
            "codes": categorical.codes.astype("int64").tolist(),
        }
    pandas_values = pd is not None and isinstance(values, pd.Series | pd.Index)
    if pd is not None and isinstance(dtype, pd.DatetimeTZDtype):
        return {"dtype": text, "i8": values.array.asi8.tolist()}
    if isinstance(dtype, np.dtype):
        array = values.to_numpy() if pandas_values else np.asarray(values)
        if dtype.kind in "mM":
            return {"dtype": text, "i8": array.view("i8").tolist()}
        if dtype.kind in "biuf":
            return {"dtype": text, "values": array.tolist()}
        if dtype.kind in "USO":
            return {"dtype": text, "values": [_encode(v, depth + 1) for v in array.tolist()]}
        raise TransferError(f"its values have the type {text}, which cannot be sent as data")
    if not pandas_values:
        raise TransferError(f"its values have the type {text}, which cannot be sent as data")
    items = [None if _is_missing(v) else v for v in values.array]
    return {"dtype": text, "values": [_encode(v, depth + 1) for v in items]}


def _is_missing(value: Any) -> bool:
    pd = _pandas()
    try:
        return bool(pd.isna(value)) if pd is not None else value is None
    except (TypeError, ValueError):
        return False


def _encode_index(index: Any, depth: int) -> dict[str, Any]:
    pd = _pandas()
    if isinstance(index, pd.RangeIndex):
        return {
            "range": [int(index.start), int(index.stop), int(index.step)],
            "name": _encode(index.name, depth + 1),
        }
    if isinstance(index, pd.MultiIndex):
        return {
            "levels": [
                _encode_array(index.get_level_values(level), depth + 1)
                for level in range(index.nlevels)
            ],
            "names": [_encode(name, depth + 1) for name in index.names],
        }
    return {"values": _encode_array(index, depth + 1), "name": _encode(index.name, depth + 1)}


def _encode(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise TransferError(f"it is nested more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int) and type(value) in (int,):
        return value
    if type(value) is float:
        return value  # json writes nan and inf as NaN and Infinity, and reads them back
    pd, np = _pandas(), _numpy()
    if pd is not None:
        if isinstance(value, pd.DataFrame):
            return {
                "$frame": {
                    "index": _encode_index(value.index, depth + 1),
                    "columns": _encode_index(value.columns, depth + 1),
                    "data": [
                        _encode_array(value.iloc[:, position], depth + 1)
                        for position in range(value.shape[1])
                    ],
                }
            }
        if isinstance(value, pd.Series):
            return {
                "$series": {
                    "index": _encode_index(value.index, depth + 1),
                    "values": _encode_array(value, depth + 1),
                    "name": _encode(value.name, depth + 1),
                }
            }
        if isinstance(value, pd.Index):
            return {"$index": _encode_index(value, depth + 1)}
        if value is pd.NaT:
            return {"$nat": None}
        if value is pd.NA:
            return {"$na": None}
        if isinstance(value, pd.Timestamp):
            return {"$timestamp": [value.isoformat(), value.unit, str(value.tz or "")]}
        if isinstance(value, pd.Timedelta):
            return {"$timedelta": [int(value.value), value.unit]}
    if np is not None:
        if isinstance(value, np.ndarray):
            if value.size > 0 and value.ndim == 0:
                return {"$numpy": _encode_array(value.reshape(1), depth + 1)}
            return {
                "$ndarray": {
                    "shape": list(value.shape),
                    "values": _encode_array(value.reshape(-1), depth + 1),
                }
            }
        if isinstance(value, np.generic):
            return {"$numpy": _encode_array(np.asarray([value]), depth + 1)}
    if _is_plotly_figure(value):
        return {"$plotly": json.loads(value.to_json())}
    if isinstance(value, int):  # int subclasses (IntEnum and the like) as plain numbers
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [_encode(v, depth + 1) for v in value]
    if isinstance(value, set | frozenset):
        tag = "$frozenset" if isinstance(value, frozenset) else "$set"
        return {tag: [_encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, range):
        return {"$range": [value.start, value.stop, value.step]}
    if isinstance(value, bytes | bytearray):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, complex):
        return {"$complex": [value.real, value.imag]}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$pytimedelta": [value.days, value.seconds, value.microseconds]}
    raise _unsupported(value)


def encode(value: Any) -> Any:
    """Return ``value`` as JSON-ready data; raise :class:`TransferError` if it is not data."""
    try:
        return _encode(value)
    except TransferError:
        raise
    except RecursionError:
        raise TransferError("it is nested too deeply to send") from None
    except Exception as error:  # noqa: BLE001 - a student's object may fail in any way
        raise TransferError(
            f"it could not be turned into data ({type(error).__name__}: {error})"[:300]
        ) from None


def export(
    names: list[str], max_bytes: int = DEFAULT_MAX_BYTES, namespace: dict | None = None
) -> Payload:
    """Encode the named variables of the student's namespace as one JSON payload.

    ``namespace`` defaults to the IPython user namespace. Each name becomes its encoded value,
    ``{"$undefined": null}`` when the student never defined it, or ``{"$unreadable": reason}``
    when it is not data or does not fit in what is left of ``max_bytes`` (bytes of JSON text).
    """
    if namespace is None:
        namespace = _user_namespace()
    values: dict[str, Any] = {}
    left = max_bytes - 200
    for name in names:
        if name not in namespace:
            values[name] = {"$undefined": None}
            continue
        try:
            text = json.dumps(encode(namespace[name]), allow_nan=True, separators=(",", ":"))
        except TransferError as error:
            values[name] = {"$unreadable": str(error)}
            continue
        if len(text) > left:
            values[name] = {
                "$unreadable": (
                    f"it is too big to send to the grader ({len(text) / 1e6:.1f} MB of data; "
                    f"the limit for one check is {max_bytes / 1e6:.1f} MB). Keep only the rows "
                    "and columns the question asks for."
                )
            }
            continue
        left -= len(text) + len(name) + 6
        values[name] = json.loads(text)
    return Payload(json.dumps({"format": FORMAT, "values": values}, allow_nan=True))


def _user_namespace() -> dict:
    try:
        shell = sys.modules["IPython"].get_ipython()  # type: ignore[union-attr]
        return shell.user_ns
    except (KeyError, AttributeError):
        return sys._getframe(2).f_globals


# --------------------------------------------------------------------------------------------
# Decoding (runs in the checker; the input is untrusted)


def _dtype(text: Any) -> Any:
    import numpy as np
    import pandas as pd

    if not isinstance(text, str) or len(text) > 60:
        raise TransferError("bad dtype")
    dtype = pd.api.types.pandas_dtype(text)
    if isinstance(dtype, np.dtype):
        if dtype.kind not in "biufmMOUS" or dtype.itemsize > 4096:
            raise TransferError(f"dtype {text} is not allowed")
    elif not isinstance(
        dtype,
        pd.StringDtype
        | pd.BooleanDtype
        | pd.DatetimeTZDtype
        | pd.core.arrays.integer.IntegerDtype
        | pd.core.arrays.floating.FloatingDtype,
    ):
        raise TransferError(f"dtype {text} is not allowed")
    return dtype


def _decode_array(spec: Any, depth: int) -> Any:
    """Rebuild :func:`_encode_array`'s output as a numpy array or pandas extension array."""
    import numpy as np
    import pandas as pd

    if not isinstance(spec, dict):
        raise TransferError("bad array")
    if spec.get("dtype") == "category":
        categories = _decode_index(spec["categories"], depth + 1)
        codes = np.asarray(spec["codes"], dtype="int64")
        if codes.ndim != 1 or (codes.size and (codes.max() >= len(categories) or codes.min() < -1)):
            raise TransferError("bad categorical codes")
        return pd.Categorical.from_codes(
            codes, dtype=pd.CategoricalDtype(categories, ordered=bool(spec["ordered"]))
        )
    dtype = _dtype(spec.get("dtype"))
    if "i8" in spec:
        ints = np.asarray(spec["i8"], dtype="int64")
        if ints.ndim != 1:
            raise TransferError("bad date array")
        if isinstance(dtype, pd.DatetimeTZDtype):
            naive = ints.view(f"M8[{dtype.unit}]")
            return pd.DatetimeIndex(naive).tz_localize("UTC").tz_convert(dtype.tz).array
        if not isinstance(dtype, np.dtype) or dtype.kind not in "mM":
            raise TransferError("bad date array")
        return ints.view(dtype)
    values = spec.get("values")
    if not isinstance(values, list):
        raise TransferError("bad array values")
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        array = np.asarray(values, dtype=dtype)
        if array.ndim != 1:
            raise TransferError("bad array values")
        return array
    items = [_decode(v, depth + 1) for v in values]
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        array = np.empty(len(items), dtype=object)
        for position, item in enumerate(items):
            array[position] = item
        return array
    if isinstance(dtype, np.dtype):
        return np.asarray([str(item) for item in items], dtype=dtype)
    return pd.array(items, dtype=dtype)


def _wrap(array: Any) -> dict[str, Any]:
    """Keyword arguments that keep a decoded array's dtype exactly (pandas infers otherwise)."""
    return {"dtype": array.dtype}


def _decode_index(spec: Any, depth: int) -> Any:
    import pandas as pd

    if not isinstance(spec, dict):
        raise TransferError("bad index")
    if "range" in spec:
        start, stop, step = (int(v) for v in spec["range"])
        return pd.RangeIndex(start, stop, step, name=_decode(spec.get("name"), depth + 1))
    if "levels" in spec:
        arrays = [_decode_array(level, depth + 1) for level in spec["levels"]]
        names = [_decode(name, depth + 1) for name in spec["names"]]
        return pd.MultiIndex.from_arrays(arrays, names=names)
    array = _decode_array(spec["values"], depth + 1)
    return pd.Index(array, name=_decode(spec.get("name"), depth + 1), **_wrap(array))


def _typed_arrays(value: Any) -> Any:
    """Rebuild plotly.js typed arrays (``{"dtype": "f8", "bdata": ...}``) as numpy arrays."""
    import numpy as np

    if isinstance(value, dict):
        if set(value) in ({"dtype", "bdata"}, {"dtype", "bdata", "shape"}) and (
            value.get("dtype") in _PLOTLY_TYPES
        ):
            array = np.frombuffer(
                base64.b64decode(value["bdata"]), dtype=_PLOTLY_TYPES[value["dtype"]]
            )
            # plotly narrows int64 to the smallest integer type that fits; widen it back, so
            # that sums and counts behave as they did in the student's kernel
            array = array.astype({"i": "int64", "u": "uint64"}.get(array.dtype.kind, array.dtype))
            if "shape" in value:
                shape = [int(part) for part in str(value["shape"]).split(",") if part.strip()]
                array = array.reshape(shape)
            return array
        return {key: _typed_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed_arrays(item) for item in value]
    return value


def _decode(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH + 10:
        raise TransferError("nested too deeply")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_decode(v, depth + 1) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise TransferError("bad value")
    ((tag, body),) = value.items()
    if tag == "$tuple":
        return tuple(_decode(v, depth + 1) for v in body)
    if tag == "$set":
        return {_decode(v, depth + 1) for v in body}
    if tag == "$frozenset":
        return frozenset(_decode(v, depth + 1) for v in body)
    if tag == "$dict":
        return {_decode(k, depth + 1): _decode(v, depth + 1) for k, v in body}
    if tag == "$range":
        return range(*(int(v) for v in body))
    if tag == "$bytes":
        return base64.b64decode(body)
    if tag == "$complex":
        return complex(float(body[0]), float(body[1]))
    if tag == "$decimal":
        return decimal.Decimal(str(body))
    if tag == "$datetime":
        return dt.datetime.fromisoformat(body)
    if tag == "$date":
        return dt.date.fromisoformat(body)
    if tag == "$time":
        return dt.time.fromisoformat(body)
    if tag == "$pytimedelta":
        return dt.timedelta(days=body[0], seconds=body[1], microseconds=body[2])
    if tag == "$plotly":
        import plotly.graph_objects as go

        return go.Figure(_typed_arrays(body))
    import numpy as np
    import pandas as pd

    if tag == "$nat":
        return pd.NaT
    if tag == "$na":
        return pd.NA
    if tag == "$timestamp":
        text, unit, tz = body
        stamp = pd.Timestamp(text).as_unit(unit)
        return stamp.tz_convert(tz) if tz and stamp.tz is not None else stamp
    if tag == "$timedelta":
        return pd.Timedelta(int(body[0]), unit="ns").as_unit(body[1])
    if tag == "$numpy":
        array = _decode_array(body, depth + 1)
        return np.asarray(array)[0] if len(array) == 1 else array
    if tag == "$ndarray":
        shape = [int(part) for part in body["shape"]]
        array = np.asarray(_decode_array(body["values"], depth + 1))
        if math.prod(shape) != array.size:
            raise TransferError("bad array shape")
        return array.reshape(shape)
    if tag == "$index":
        return _decode_index(body, depth + 1)
    if tag == "$series":
        array = _decode_array(body["values"], depth + 1)
        return pd.Series(
            array,
            index=_decode_index(body["index"], depth + 1),
            name=_decode(body.get("name"), depth + 1),
            **_wrap(array),
        )
    if tag == "$frame":
        index = _decode_index(body["index"], depth + 1)
        columns = _decode_index(body["columns"], depth + 1)
        data = [_decode_array(column, depth + 1) for column in body["data"]]
        if len(data) != len(columns) or any(len(column) != len(index) for column in data):
            raise TransferError("bad DataFrame shape")
        frame = pd.DataFrame(
            {
                position: pd.Series(column, index=index, **_wrap(column))
                for position, column in enumerate(data)
            },
            index=index,
        )
        frame.columns = columns
        return frame
    raise TransferError(f"unknown tag {tag!r}")


def decode(data: Any) -> Any:
    """Rebuild a value from :func:`encode`'s data; raise :class:`TransferError` if malformed."""
    try:
        return _decode(data)
    except TransferError:
        raise
    except Exception as error:  # noqa: BLE001 - the payload comes from an untrusted kernel
        raise TransferError(f"malformed value ({type(error).__name__})") from None


def load_payload(text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Read a payload from :func:`export`; return ``{name: value or Unreadable}``.

    Undefined names are left out, so that the check sees them as undefined, as it would have in
    the student's kernel. Raises :class:`TransferError` if the payload as a whole is unusable.
    """
    if not isinstance(text, str):
        raise TransferError("the kernel sent no answers")
    if len(text) > max_bytes:
        raise TransferError(
            f"the answers are too big to send ({len(text) / 1e6:.1f} MB; limit "
            f"{max_bytes / 1e6:.1f} MB)"
        )
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise TransferError(f"the kernel's answers are not JSON ({error})"[:200]) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise TransferError("the kernel's answers are not in the expected form")
    values = payload.get("values")
    if not isinstance(values, dict):
        raise TransferError("the kernel's answers are not in the expected form")
    result: dict[str, Any] = {}
    for name, data in values.items():
        if not isinstance(name, str) or not name.isidentifier():
            continue
        if isinstance(data, dict) and set(data) == {"$undefined"}:
            continue
        if isinstance(data, dict) and set(data) == {"$unreadable"}:
            result[name] = Unreadable(name, str(data["$unreadable"])[:500])
            continue
        try:
            result[name] = decode(data)
        except TransferError as error:
            result[name] = Unreadable(name, f"it arrived damaged ({error}).")
    return result
