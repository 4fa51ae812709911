"""The Rochdale year (admission, provisional prices, division of surplus)
as an OpenFisca tax-and-benefit system: a `member` person entity and a
`cooperative` group entity. Vectorised numpy floating point, the way
OpenFisca computes.

    python rochdale_year.py MEMBERS.csv COSTS_PENCE DIVIDENDS_OUT.bin

prints one JSON line: the load and compute times (seconds), the figures
(in pounds, as floats), and writes each member's dividend in pence
(rounded from the float) as little-endian int64 to DIVIDENDS_OUT.bin.
"""

import json
import sys
import time

started = time.perf_counter()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from openfisca_core.entities import build_entity  # noqa: E402
from openfisca_core.periods import DateUnit  # noqa: E402
from openfisca_core.simulations import SimulationBuilder  # noqa: E402
from openfisca_core.taxbenefitsystems import TaxBenefitSystem  # noqa: E402
from openfisca_core.variables import Variable  # noqa: E402

Member = build_entity(
    key="member", plural="members", label="A member", is_person=True
)
Cooperative = build_entity(
    key="cooperative",
    plural="cooperatives",
    label="The cooperative",
    roles=[{"key": "member", "plural": "members", "label": "Member"}],
)

YEAR = DateUnit.YEAR


class age(Variable):
    value_type = int
    entity = Member
    definition_period = YEAR
    label = "Age"


class shares(Variable):
    value_type = float
    entity = Member
    definition_period = YEAR
    label = "Paid-up share capital"


class quarterly_cost(Variable):
    value_type = float
    entity = Member
    definition_period = YEAR
    label = "Cost of the member's goods"


class eligible(Variable):
    value_type = bool
    entity = Member
    definition_period = YEAR
    label = "Admitted: 16 or over, holding the minimum of 4 shares of 1 pound"

    def formula(member, period):
        return (member("age", period) >= 16) * (member("shares", period) >= 4.0)


class purchases(Variable):
    value_type = float
    entity = Member
    definition_period = YEAR
    label = "Purchases at the provisional price (cost + 10%, to the penny)"

    def formula(member, period):
        return np.round(member("quarterly_cost", period) * 1.10, 2)


class costs(Variable):
    value_type = float
    entity = Cooperative
    definition_period = YEAR
    label = "Costs of the store"


class surplus(Variable):
    value_type = float
    entity = Cooperative
    definition_period = YEAR

    def formula(coop, period):
        return coop.sum(coop.members("purchases", period)) - coop("costs", period)


def down(x):
    return np.floor(x * 100) / 100


class reserve(Variable):
    value_type = float
    entity = Cooperative
    definition_period = YEAR

    def formula(coop, period):
        return down(coop("surplus", period) * 0.10)


class education(Variable):
    value_type = float
    entity = Cooperative
    definition_period = YEAR

    def formula(coop, period):
        return down(coop("surplus", period) * 0.025)


class interest_total(Variable):
    value_type = float
    entity = Cooperative
    definition_period = YEAR

    def formula(coop, period):
        asked = coop.sum(
            coop.members("eligible", period) * coop.members("shares", period) * 0.05
        )
        left = (
            coop("surplus", period) - coop("reserve", period) - coop("education", period)
        )
        return down(np.minimum(asked, left))


class dividend_pool(Variable):
    value_type = float
    entity = Cooperative
    definition_period = YEAR

    def formula(coop, period):
        return (
            coop("surplus", period)
            - coop("reserve", period)
            - coop("education", period)
            - coop("interest_total", period)
        )


class interest(Variable):
    value_type = float
    entity = Member
    definition_period = YEAR

    def formula(member, period):
        mine = member("eligible", period) * member("shares", period)
        coop = member.cooperative
        total = coop.sum(coop.members("eligible", period) * coop.members("shares", period))
        return np.round(coop("interest_total", period) * mine / total, 2)


class dividend(Variable):
    value_type = float
    entity = Member
    definition_period = YEAR

    def formula(member, period):
        mine = member("eligible", period) * member("purchases", period)
        coop = member.cooperative
        total = coop.sum(
            coop.members("eligible", period) * coop.members("purchases", period)
        )
        return np.round(coop("dividend_pool", period) * mine / total, 2)


class RochdaleSystem(TaxBenefitSystem):
    def __init__(self):
        super().__init__([Member, Cooperative])
        for v in (
            age, shares, quarterly_cost, eligible, purchases, costs, surplus,
            reserve, education, interest_total, dividend_pool, interest, dividend,
        ):
            self.add_variable(v)


def main():
    path, costs_pence, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    system = RochdaleSystem()
    imported = time.perf_counter()

    # Load: the member list into arrays, and the simulation built.
    t0 = time.perf_counter()
    frame = pd.read_csv(path, dtype={"name": str, "age": np.int32, "shares": str, "quarterly_cost": str})
    n = len(frame)
    share_values = pd.to_numeric(frame["shares"].str.slice(1)).to_numpy()
    cost_values = pd.to_numeric(frame["quarterly_cost"].str.slice(1)).to_numpy()
    builder = SimulationBuilder()
    builder.create_entities(system)
    builder.declare_person_entity("member", frame["name"].to_numpy())
    coops = builder.declare_entity("cooperative", ["coop"])
    builder.join_with_persons(coops, np.zeros(n, dtype=np.int32), ["member"] * n)
    simulation = builder.build(system)
    period = "2025"
    simulation.set_input("age", period, frame["age"].to_numpy())
    simulation.set_input("shares", period, share_values)
    simulation.set_input("quarterly_cost", period, cost_values)
    simulation.set_input("costs", period, np.array([costs_pence / 100.0]))
    t1 = time.perf_counter()

    # Compute.
    admitted = int(simulation.calculate("eligible", period).sum())
    surplus_v = float(simulation.calculate("surplus", period)[0])
    reserve_v = float(simulation.calculate("reserve", period)[0])
    education_v = float(simulation.calculate("education", period)[0])
    interest_total_v = float(simulation.calculate("interest_total", period)[0])
    pool_v = float(simulation.calculate("dividend_pool", period)[0])
    interest_v = simulation.calculate("interest", period)
    dividend_v = simulation.calculate("dividend", period)
    t2 = time.perf_counter()

    np.rint(dividend_v * 100).astype("<i8").tofile(out)
    print(json.dumps({
        "members": n,
        "import_seconds": imported - started,
        "load_seconds": t1 - t0,
        "compute_seconds": t2 - t1,
        "admitted": admitted,
        "surplus": surplus_v,
        "reserve": reserve_v,
        "education": education_v,
        "interest_total": interest_total_v,
        "dividend_pool": pool_v,
        "interest_paid": float(interest_v.sum()),
        "dividends_paid": float(dividend_v.sum()),
    }))


if __name__ == "__main__":
    main()
