"""The Python package, installed from its wheel, on the bundled Rochdale
1844 rulebook: every figure below is worked by hand in the rulebook's
comments or here."""

import decimal
import os
import pathlib

import pytest

import rochdale

ROOT = pathlib.Path(os.environ.get("ROCHDALE_ROOT", pathlib.Path(__file__).resolve().parents[3]))
RULEBOOK = (ROOT / "rulebooks" / "rochdale-1844.coop").read_text(encoding="utf-8")
FOUNDERS = (ROOT / "rulebooks" / "rochdale-1844-founders.csv").read_text(encoding="utf-8")
FILES = {"rochdale-1844-founders.csv": FOUNDERS}
# Version 1844.1, one close a year with a flat 5% interest, kept as a
# fixture (tests/fixtures/README.md): the act logs below close once a year.
YEARLY = (ROOT / "tests" / "fixtures" / "rochdale-1844.1.coop").read_text(encoding="utf-8")
NAME = "rochdale-1844.coop"


def tranches(outcome, period=0):
    return {t["label"]: t for t in outcome["periods"][period]["allocations"][0]["tranches"]}


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_check_a_good_rulebook():
    checked = rochdale.check(RULEBOOK, name=NAME)
    assert checked["files"][0]["file"] == NAME
    assert checked["files"][0]["ok"] is True
    assert checked["files"][0]["diagnostics"] == []


def test_check_reports_a_misspelt_name_with_its_code_and_line():
    broken = RULEBOOK.replace("period.sales - period.costs", "period.sales - perod.costs")
    checked = rochdale.check(broken, name=NAME)
    assert checked["files"][0]["ok"] is False
    first = checked["files"][0]["diagnostics"][0]
    assert first["code"] == "E0200"
    assert first["line"] == line_of(RULEBOOK, "rule surplus: Money")
    assert first["help"]


def test_the_examples_pass():
    tested = rochdale.test(RULEBOOK, name=NAME)
    assert tested["passed"] == 17
    assert tested["failed"] == 0
    examples = tested["files"][0]["examples"]
    assert len(examples) == 17
    assert all(e["passed"] for e in examples)
    quarter = next(e for e in examples if e["name"] == "a quarter with interest on capital")
    # (£30.00 - £3.00 - £0.75 - £0.18 of interest for 92 days) × 120/200 = £15.642
    ada = next(x for x in quarter["expectations"] if x["text"].startswith("dividend(ada)"))
    assert ada["actual"]["value"] == "15.64"


def test_a_failing_example_is_counted():
    wrong = RULEBOOK.replace("expect price(£2.00) = £2.20", "expect price(£2.00) = £2.21")
    tested = rochdale.test(wrong, name=NAME)
    assert tested["failed"] == 1
    failed = [x for e in tested["files"][0]["examples"] for x in e["expectations"] if not x["passed"]]
    assert [(x["expected"]["value"], x["actual"]["value"]) for x in failed] == [("2.21", "2.20")]


def test_simulate_the_first_year():
    outcome = rochdale.simulate(RULEBOOK, name=NAME, scenario="first year", files=FILES)
    assert outcome["scenario"] == "first year"
    assert len(outcome["periods"]) == 4
    # The last quarter (rulebooks/rochdale-1844.coop works each by hand):
    # surplus £184.60 - £174.00 = £10.60: reserve 10% £1.06, education
    # 2.5% £0.265 down to £0.26, interest at 5% a year for 91 days on the
    # capital as the dividends credited it, £1.638499 down to £1.63, the
    # rest £7.65.
    t = tranches(outcome, 3)
    assert t["reserve fund"]["total"]["value"] == "1.06"
    assert t["education fund"]["total"]["value"] == "0.26"
    assert t["interest on capital"]["total"]["value"] == "1.63"
    dividends = t["dividend on purchases"]
    assert dividends["total"]["value"] == "7.65"
    assert dividends["total"]["display"] == "£7.65"
    each = {m["name"]: decimal.Decimal(m["value"]["value"]) for m in dividends["members"]}
    # by purchases of £5.63 and £9.00 of £184.60: 23.33p and 37.30p; the
    # floors 23p and 37p leave 9p, one to each of the first nine £5.63
    # buyers (.33 before .30)
    assert each["howarth"] == decimal.Decimal("0.24")
    assert each["scowcroft"] == decimal.Decimal("0.23")
    assert each["smith"] == each["r_taylor"] == decimal.Decimal("0.37")
    assert sum(each.values()) == decimal.Decimal("7.65")
    assert outcome["trial_balance"]["balanced"] is True


def test_a_refusal_carries_its_reason():
    outcome = rochdale.simulate(RULEBOOK, name=NAME, scenario="first year", files=FILES)
    refused = [s for s in outcome["steps"] if s["status"] == "refused"]
    # young is 15; cooper's first withdrawal comes after 14 days of notice, 30 needed
    young = next(s for s in refused if s["what"].startswith("join(young"))
    assert young["reasons"] == ["members must be 16 or over (article 13): 15 < 16"]
    early = next(s for s in refused if s["date"] == "1845-08-15")
    assert early["reasons"] == ["withdrawals need notice (article 13): 14 < 30"]
    assert len(refused) == 3  # and young's purchase: not a member
    funds = {f["name"]: f["value"]["value"] for f in outcome["funds"]}
    # £116.00 + £730.00 - £696.00 = £150.00 in cash, a debit
    assert funds["cash"] == "-150.00"


def test_errors_are_a_rochdale_error_with_the_diagnostics():
    broken = RULEBOOK.replace("period.sales - period.costs", "period.sales - perod.costs")
    with pytest.raises(rochdale.RochdaleError) as caught:
        rochdale.simulate(broken, name=NAME, scenario="first year", files=FILES)
    error = caught.value
    assert error.codes[0] == "E0200"
    first = error.diagnostics[0]
    assert first["file"] == NAME
    assert first["line"] == line_of(RULEBOOK, "rule surplus: Money")
    assert first["column"] > 1
    assert "perod" in first["message"]
    assert first["help"]
    assert str(error).startswith(f"E0200: {NAME}:{first['line']}:{first['column']}: ")


def test_an_unknown_scenario_is_an_error():
    with pytest.raises(rochdale.RochdaleError) as caught:
        rochdale.simulate(RULEBOOK, name=NAME, scenario="second year", files=FILES)
    assert caught.value.diagnostics
    assert all(d["code"].startswith("E") for d in caught.value.diagnostics)


def test_explain_a_dividend():
    explained = rochdale.explain(
        RULEBOOK, "dividend(ada)", name=NAME, example="a quarter with interest on capital"
    )
    assert explained["expression"] == "dividend(ada)"
    assert explained["value"]["value"] == "15.64"
    assert explained["steps"]


def test_explain_in_the_scenario():
    # after the last close: r_taylor's dividend of the last quarter,
    # £7.65 × £9.00 / £184.60 = 37.30p, 37p
    explained = rochdale.explain(RULEBOOK, "dividend(r_taylor)", name=NAME, scenario="first year", files=FILES)
    assert explained["value"]["value"] == "0.37"


def test_diff_a_larger_reserve():
    # The first quarter: reserve 20% of £6.40 = £1.28 instead of £0.64:
    # the dividends are £6.40 - £1.28 - £0.16 - £1.43 = £3.53, £0.64 less.
    new = RULEBOOK.replace("parameter reserve_share: Percent = 10%", "parameter reserve_share: Percent = 20%")
    assert new != RULEBOOK
    d = rochdale.diff(RULEBOOK, new, scenario="first year", files=FILES)
    changed = [c for c in d["changes"] if c["name"] == "reserve_share"]
    assert changed and changed[0]["change"] == "changed"
    by_label = {t["label"]: t for t in d["simulation"]["tranches"] if t["period"] == 1}
    assert by_label["reserve fund"]["old"]["value"] == "0.64"
    assert by_label["reserve fund"]["new"]["value"] == "1.28"
    assert by_label["dividend on purchases"]["new"]["value"] == "3.53"
    assert by_label["dividend on purchases"]["difference"]["value"] == "-0.64"
    # "the simple check" expects a £3.00 reserve on £30.00: 20% gives £6.00
    simple = next(e for e in d["examples"] if e["name"] == "the simple check")
    assert simple["old_passed"] is True and simple["new_passed"] is False


def test_format_keeps_the_canonical_layout():
    assert rochdale.format(RULEBOOK, name=NAME) == RULEBOOK


def year_of(members):
    """An act log for a year: every member joins with £4.00, four quarters
    of trade at each member's usual goods, £5,000.00 of costs a quarter."""
    acts = [("1845-01-01", "join", m, "£4.00") for m in members]
    for day in ("1845-03-31", "1845-06-30", "1845-09-30", "1845-12-20"):
        acts.append((day, "trade_quarter"))
        acts.append((day, "pay_costs", "£5000.00"))
    acts.append(("1845-12-20", "close period"))
    return acts


def test_a_batch_year_over_a_dataframe():
    pd = pytest.importorskip("pandas")
    names = [f"m{i:04}" for i in range(1000)]
    members = pd.DataFrame({"name": names, "age": [30] * 1000, "quarterly_cost": ["£5.00"] * 1000})
    outcome = rochdale.simulate(YEARLY, name=NAME, acts=year_of(names), members=members, summary=True)
    t = tranches(outcome)
    # sales 1,000 × 4 × £5.50 = £22,000.00; costs 4 × £5,000.00; surplus
    # £2,000.00: reserve £200.00, education £50.00, interest 1,000 × £0.20
    # = £200.00, dividends £1,550.00 on equal purchases: £1.55 each.
    assert t["reserve fund"]["total"]["value"] == "200.00"
    assert t["education fund"]["total"]["value"] == "50.00"
    assert t["interest on capital"]["total"]["value"] == "200.00"
    assert t["dividend on purchases"]["total"]["value"] == "1550.00"
    shares = {m["value"]["value"] for m in t["dividend on purchases"]["members"]}
    assert shares == {"1.55"}
    assert len(t["dividend on purchases"]["members"]) == 1000


def test_a_batch_with_decimal_money_and_one_under_age():
    pd = pytest.importorskip("pandas")
    members = pd.DataFrame(
        {
            "name": ["ada", "ben", "cy"],
            "age": [30, 45, 15],
            "quarterly_cost": [decimal.Decimal("10.00"), decimal.Decimal("30.00"), decimal.Decimal("10.00")],
        }
    )
    acts = year_of(["ada", "ben", "cy"])
    acts = [a if a[1] != "pay_costs" else (a[0], "pay_costs", "£40.00") for a in acts]
    outcome = rochdale.simulate(YEARLY, name=NAME, acts=acts, members=members)
    young = next(s for s in outcome["steps"] if s["what"].startswith("join(cy"))
    assert young["status"] == "refused"
    assert young["reasons"] == ["members must be 16 or over (article 13): 15 < 16"]
    t = tranches(outcome)
    # ada £11.00 and ben £33.00 a quarter (cy is no member): sales £176.00,
    # costs £160.00, surplus £16.00; reserve £1.60, education £0.40,
    # interest 2 × £0.20; dividends £13.60 by purchases of £44 and £132:
    # £3.40 and £10.20.
    assert t["reserve fund"]["total"]["value"] == "1.60"
    assert t["education fund"]["total"]["value"] == "0.40"
    each = {m["name"]: m["value"]["value"] for m in t["dividend on purchases"]["members"]}
    assert each["ada"] == "3.40"
    assert each["ben"] == "10.20"
    assert each.get("cy", "0.00") == "0.00"


def test_a_list_of_dicts_is_a_table_too():
    members = [{"name": "ada", "age": 30, "quarterly_cost": "£10.00"}]
    csv = rochdale.members_csv(members)
    assert csv == "name,age,quarterly_cost\nada,30,£10.00\n"


def test_floats_are_refused_for_money():
    pd = pytest.importorskip("pandas")
    members = pd.DataFrame({"name": ["ada"], "age": [30], "quarterly_cost": [5.1]})
    with pytest.raises(TypeError, match="quarterly_cost"):
        rochdale.simulate(YEARLY, name=NAME, acts=year_of(["ada"]), members=members)


def test_a_bad_act_log_line_is_placed():
    with pytest.raises(rochdale.RochdaleError) as caught:
        rochdale.simulate(
            YEARLY,
            name=NAME,
            acts=[("1845-01-01", "join", "ada", "£4.00"), ("1845-02-01", "purchse", "ada", "£1.00")],
            members=[{"name": "ada", "age": 30}],
        )
    first = caught.value.diagnostics[0]
    assert first["code"] == "E0200"
    assert first["file"] == "acts.csv"
    assert first["line"] == 2
    assert "purchase" in first["help"]
