"""Rochdale for Python: rules-as-code for cooperatives.

Each function takes a rulebook's text and returns the same JSON-shaped data
as the command line's ``--format json`` (dicts, lists, strings and ints;
money and percentages are exact strings such as ``"23.95"``, never floats),
or raises :class:`RochdaleError` carrying the diagnostics::

    import rochdale
    outcome = rochdale.simulate(text, scenario="first year",
                                files={"rochdale-1844-founders.csv": csv})
    dividends = outcome["periods"][0]["allocations"][0]["tranches"][3]

Members (``members=``) and the files a rulebook names (``files=``) may be
CSV text, a list of dicts, or a pandas DataFrame; their cells are strings
written as in a rulebook (``"£4.00"``, ``"30"``), ints, bools, dates or
:class:`decimal.Decimal`. A float is refused: it cannot hold a penny
exactly.
"""

from __future__ import annotations

import builtins
import csv
import datetime
import decimal
import io
import json
import math
from typing import Any, Iterable, Mapping, Optional, Union

from . import _native

#: The version of Rochdale inside.
__version__ = _native.version()

__all__ = [
    "RochdaleError",
    "check",
    "diff",
    "explain",
    "format",
    "members_csv",
    "simulate",
    "statements_csv",
    "test",
    "version",
]

#: CSV text, a list of dicts (one a person or a row), or a pandas DataFrame.
Table = Union[str, Iterable[Mapping[str, Any]], Any]


class RochdaleError(Exception):
    """The rulebook, the request or the scenario has errors.

    ``diagnostics`` is the list of problems, each a dict with ``code``
    (``"E0200"``), ``severity``, ``message``, ``file``, ``line``,
    ``column``, ``span``, ``label``, ``help`` and ``related``: the same as
    the command line's ``--format json``.
    """

    def __init__(self, diagnostics: list[dict[str, Any]]):
        self.diagnostics = diagnostics
        lines = []
        for d in diagnostics:
            place = d.get("file") or ""
            if d.get("line") is not None:
                place += f":{d['line']}:{d.get('column')}"
            lines.append(f"{d.get('code')}: {place}: {d.get('message')}")
            if d.get("help"):
                lines.append(f"  help: {d['help']}")
        super().__init__("\n".join(lines) or "Rochdale could not do this")

    @property
    def codes(self) -> list[str]:
        """The diagnostics' codes, in order."""
        return [d.get("code") for d in self.diagnostics]


def _loads(text: str) -> Any:
    return json.loads(text, parse_float=decimal.Decimal)


def _parsed(text: str) -> Any:
    value = _loads(text)
    if isinstance(value, dict) and list(value) == ["diagnostics"]:
        raise RochdaleError(value["diagnostics"])
    return value


def _cell(value: Any, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):  # pandas writes a missing cell as NaN
            return ""
        raise TypeError(
            f"column {column!r} holds the float {value!r}: a float cannot hold money "
            'exactly; give it as a string ("£4.00") or a decimal.Decimal '
            "(pandas: read the file with dtype=str)"
        )
    if isinstance(value, decimal.Decimal):
        return builtins.format(value, "f")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return ""
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell(value.item(), column)
    return str(value)


def members_csv(table: Table) -> str:
    """A table of people as the CSV text Rochdale reads: the first line the
    columns (``name``, then attributes), then one line a person."""
    if isinstance(table, str):
        return table
    if hasattr(table, "to_dict") and hasattr(table, "columns"):  # a DataFrame
        columns = [str(c) for c in table.columns]
        rows = table.to_dict(orient="records")
    else:
        rows = [dict(r) for r in table]
        columns = []
        for row in rows:
            for c in row:
                if c not in columns:
                    columns.append(c)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c), c) for c in columns])
    return out.getvalue()


def _acts_csv(acts: Union[str, Iterable[Iterable[Any]]]) -> str:
    if isinstance(acts, str):
        return acts
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in acts:
        writer.writerow([_cell(v, "acts") for v in line])
    return out.getvalue()


def _request(
    scenario: Optional[str] = None,
    scenario_json: Union[str, Mapping[str, Any], None] = None,
    members: Optional[Table] = None,
    files: Optional[Mapping[str, Table]] = None,
    **rest: Any,
) -> str:
    request: dict[str, Any] = {k: v for k, v in rest.items() if v is not None}
    if scenario is not None:
        request["scenario"] = scenario
    if scenario_json is not None:
        request["scenario_json"] = (
            scenario_json if isinstance(scenario_json, str) else json.dumps(scenario_json)
        )
    if members is not None:
        request["members_csv"] = members_csv(members)
    if files:
        request["files"] = {k: members_csv(v) for k, v in files.items()}
    return json.dumps(request)


def version() -> str:
    """The version of Rochdale inside."""
    return _native.version()


def check(text: str, *, name: str = "rulebook.coop") -> dict:
    """``rochdale check --format json``: ``files[0]["ok"]`` and its
    ``diagnostics`` (a rulebook with errors is an answer here, not an
    exception)."""
    return _loads(_native.check(name, text))


def test(text: str, *, name: str = "rulebook.coop") -> dict:
    """``rochdale test --format json``: the examples run, ``passed`` and
    ``failed`` counted."""
    return _loads(_native.test(name, text))


def simulate(
    text: str,
    *,
    name: str = "rulebook.coop",
    scenario: Optional[str] = None,
    scenario_json: Union[str, Mapping[str, Any], None] = None,
    members: Optional[Table] = None,
    files: Optional[Mapping[str, Table]] = None,
    acts: Union[str, Iterable[Iterable[Any]], None] = None,
    summary: bool = False,
) -> dict:
    """``rochdale simulate --format json``: the scenario named (or the
    rulebook's only one, or ``scenario_json``) run over the books, with
    more people from ``members``. With ``acts`` (an act log: CSV text or
    rows such as ``("1845-01-01", "join", "ada", "£4.00")``), the timeline is
    the act log and the people are ``members``: a batch year. ``summary``
    leaves the journal out."""
    request = _request(scenario, scenario_json, members, files, summary=summary or None)
    if acts is not None:
        return _parsed(_native.simulate_acts(name, text, _acts_csv(acts), request))
    return _parsed(_native.simulate(name, text, request))


def statements_csv(
    text: str,
    *,
    name: str = "rulebook.coop",
    scenario: Optional[str] = None,
    scenario_json: Union[str, Mapping[str, Any], None] = None,
    members: Optional[Table] = None,
    files: Optional[Mapping[str, Table]] = None,
) -> str:
    """``rochdale simulate --format csv``: each member's statement, as CSV
    text (``pandas.read_csv(io.StringIO(...), dtype=str)`` reads it)."""
    out = _native.statements_csv(name, text, _request(scenario, scenario_json, members, files))
    if out.startswith("{"):
        _parsed(out)
    return out


def explain(
    text: str,
    value: str,
    *,
    name: str = "rulebook.coop",
    example: Optional[str] = None,
    scenario: Optional[str] = None,
    step: Optional[int] = None,
    members: Optional[Table] = None,
    files: Optional[Mapping[str, Table]] = None,
) -> dict:
    """``rochdale explain --format json``: how ``value`` (such as
    ``"dividend(ada)"``) is worked out, with the inputs of ``example`` or
    of the scenario after ``step``."""
    request = _request(scenario, None, members, files, value=value, example=example, step=step)
    return _parsed(_native.explain(name, text, request))


def diff(
    old: str,
    new: str,
    *,
    old_name: str = "old.coop",
    new_name: str = "new.coop",
    scenario: Optional[str] = None,
    members: Optional[Table] = None,
    files: Optional[Mapping[str, Table]] = None,
    examples_only: bool = False,
) -> dict:
    """``rochdale diff --format json``: what changes from ``old`` to
    ``new``, in the rules, the examples and every member's figures."""
    request = _request(scenario, None, members, files, examples_only=examples_only or None)
    return _parsed(_native.diff(old_name, old, new_name, new, request))


def format(text: str, *, name: str = "rulebook.coop") -> str:  # noqa: A001
    """``rochdale fmt``: the text in the canonical layout."""
    return _parsed(_native.format(name, text))["formatted"]
