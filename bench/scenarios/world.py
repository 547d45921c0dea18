"""The organisation, its accounts, the calendar, exchange rates, and the generation context.

`Ctx` is what every case builder draws from: one seeded `random.Random`, global counters
(so ids and bank references are unique across blocks), pools of customers and suppliers
per account, and a register of amounts per party that keeps (party, currency, amount)
unique unless a case makes a twin on purpose.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from bench.scenarios.model import AccountSpec, Block, Group, Line, Record
from bench.scenarios.names import Party, iban, make_party
from bench.scenarios.refs import InvoiceNo

ORG_NAME = "Accord Demo Handels GmbH"
BANK_START = date(2025, 3, 3)
BANK_END = date(2025, 4, 30)
INVOICE_START = date(2025, 1, 20)
RATE_START = date(2025, 1, 1)
RATE_END = date(2025, 5, 31)

ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(
        "DEM",
        iban("DE", "370400440532013000"),
        "COBADEFFXXX",
        "EUR",
        "camt.053.001.08",
        "Commerzbank",
    ),
    AccountSpec(
        "DES",
        iban("DE", "370501981929120000"),
        "COLSDE33XXX",
        "EUR",
        "mt940",
        "Sparkasse KoelnBonn",
    ),
    AccountSpec(
        "FRB",
        iban("FR", "30004000031234567890143"),
        "BNPAFRPPXXX",
        "EUR",
        "camt.053.001.02",
        "BNP Paribas",
    ),
    AccountSpec(
        "NLI", iban("NL", "INGB0001234567"), "INGBNL2AXXX", "EUR", "camt.053.001.08", "ING Bank"
    ),
    AccountSpec(
        "GBB", iban("GB", "BARC20000055779911"), "BARCGB22XXX", "GBP", "camt.053.001.08", "Barclays"
    ),
    AccountSpec(
        "USD",
        iban("DE", "500700100092345678"),
        "DEUTDEFFXXX",
        "USD",
        "camt.053.001.08",
        "Deutsche Bank",
    ),
)
ACCOUNT_WEIGHTS = {"DEM": 40, "DES": 20, "FRB": 12, "NLI": 12, "GBB": 8, "USD": 8}
COUNTRY = {"DEM": "DE", "DES": "DE", "FRB": "FR", "NLI": "NL", "GBB": "GB", "USD": "DE"}
EUR_ACCOUNTS = ("DEM", "DES", "FRB", "NLI")
CAMT_EUR_ACCOUNTS = ("DEM", "FRB", "NLI")

# Amounts people actually invoice: round sums and their gross-with-VAT forms are common,
# which is what makes an amount-only matcher pick the wrong item.
COMMON_MINOR = (
    5000,
    10000,
    11900,
    15000,
    20000,
    25000,
    29750,
    50000,
    59500,
    100000,
    119000,
    150000,
    4990,
    9900,
    19900,
    35700,
    238000,
    47600,
    7500,
    30000,
)


def business_day(day: date) -> date:
    """The same day, or the next Monday when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def make_rates(seed: int) -> dict[tuple[date, str], Decimal]:
    """Daily business-day rates of 1 USD / 1 GBP in EUR: a seeded random walk."""
    rng = random.Random(f"rates/{seed}")
    level = {"USD": 0.92, "GBP": 1.19}
    rates: dict[tuple[date, str], Decimal] = {}
    day = RATE_START
    while day <= RATE_END:
        for ccy in level:
            level[ccy] *= math.exp(rng.gauss(0.0, 0.004))
            if day.weekday() < 5:
                rates[(day, ccy)] = Decimal(f"{level[ccy]:.6f}")
        day += timedelta(days=1)
    return rates


@dataclass(slots=True)
class Counters:
    """Global sequences: unique ids across blocks."""

    ref: int = 0
    party: int = 0
    invoice: dict[str, int] = field(default_factory=lambda: {"inv": 0, "re": 0, "bare": 100000})
    other: dict[str, int] = field(default_factory=dict)

    def next(self, name: str) -> int:
        self.other[name] = self.other.get(name, 0) + 1
        return self.other[name]


@dataclass(slots=True)
class Ctx:
    """Everything a case builder needs; one per block."""

    rng: random.Random
    counters: Counters
    rates: dict[tuple[date, str], Decimal]
    pool_target: dict[str, int]
    block: Block = field(default_factory=Block)
    pools: dict[str, list[Party]] = field(default_factory=dict)
    used: dict[int, set[tuple[str, int]]] = field(default_factory=dict)
    accounts: dict[str, AccountSpec] = field(default_factory=lambda: {a.key: a for a in ACCOUNTS})

    # -- parties ---------------------------------------------------------------------------
    def fresh_party(self, account: str) -> Party:
        """A new party that no other case will use."""
        self.counters.party += 1
        return make_party(self.counters.party, COUNTRY[account])

    def party(self, account: str) -> Party:
        """A party from the account's pool (shared by several cases), or a new one."""
        pool = self.pools.setdefault(account, [])
        if len(pool) < self.pool_target.get(account, 5) or self.rng.random() < 0.05:
            pool.append(self.fresh_party(account))
            return pool[-1]
        return self.rng.choice(pool)

    def account(self, keys: tuple[str, ...] | None = None) -> AccountSpec:
        keys = keys or tuple(ACCOUNT_WEIGHTS)
        weights = [ACCOUNT_WEIGHTS[k] for k in keys]
        return self.accounts[self.rng.choices(keys, weights)[0]]

    # -- amounts ---------------------------------------------------------------------------
    def raw_amount(self) -> int:
        if self.rng.random() < 0.4:
            return self.rng.choice(COMMON_MINOR)
        return max(500, int(math.exp(self.rng.gauss(math.log(900.0), 1.0)) * 100))

    def amount(self, party: Party, currency: str, *, lo: int = 0) -> int:
        """An amount unused for this party and currency (unless twins are wanted)."""
        used = self.used.setdefault(party.index, set())
        value = self.raw_amount() + lo
        while (currency, value) in used:
            value += self.rng.randint(1, 9999)
        used.add((currency, value))
        return value

    def reserve(self, party: Party, currency: str, value: int) -> None:
        self.used.setdefault(party.index, set()).add((currency, value))

    # -- ids and dates ---------------------------------------------------------------------
    def bank_ref(self, account: AccountSpec) -> str:
        self.counters.ref += 1
        return f"{account.key}{self.counters.ref:010d}"

    def invoice_no(self, scheme: str | None = None) -> InvoiceNo:
        scheme = scheme or self.rng.choices(("inv", "re", "bare"), (5, 3, 2))[0]
        self.counters.invoice[scheme] += 1
        return InvoiceNo(scheme, self.counters.invoice[scheme])

    def invoice_date(self) -> date:
        span = (BANK_END - INVOICE_START).days - 10
        return INVOICE_START + timedelta(days=self.rng.randint(0, span))

    def pay_date(self, after: date, lo: int = 2, hi: int = 40) -> date:
        day = after + timedelta(days=self.rng.randint(lo, hi))
        day = max(day, BANK_START + timedelta(days=self.rng.randint(0, 4)))
        day = business_day(day)
        while day > BANK_END:
            day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def rate(self, day: date, currency: str) -> Decimal:
        """The rates-file rate of 1 `currency` in EUR on `day` or the last day before."""
        while (day, currency) not in self.rates:
            day -= timedelta(days=1)
        return self.rates[(day, currency)]

    # -- output ----------------------------------------------------------------------------
    def add_line(self, line: Line) -> Line:
        line.seq = len(self.block.lines)
        self.block.lines.append(line)
        return line

    def add_record(self, record: Record) -> Record:
        self.block.records.append(record)
        return record

    def add_group(self, group: Group) -> None:
        self.block.groups.append(group)


def convert(minor: int, rate: Decimal) -> int:
    """Minor units times a rate, rounded half-even to minor units (both 2-decimal)."""
    return int((Decimal(minor) * rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
