"""Counterparties: names as the ledger holds them and as banks print them."""

from __future__ import annotations

import random
from dataclasses import dataclass

_SURNAMES = (
    "Müller",
    "Schäfer",
    "Weiß",
    "Größer",
    "Köhler",
    "Bäcker",
    "Schröder",
    "Hoffmann",
    "Krüger",
    "Wagner",
    "Dubois",
    "Lefèvre",
    "Moreau",
    "Gérard",
    "Van der Berg",
    "De Vries",
    "Jansen",
    "Bakker",
    "Smith",
    "O'Brien",
    "Whitfield",
    "Nørgaard",
    "Łukasik",
    "Hansen",
    "Zimmermann",
    "Fuchs",
    "Brandt",
    "Lindqvist",
    "García",
    "Rossi",
)
_TRADES = (
    "Maschinenbau",
    "Logistik",
    "Elektrotechnik",
    "Consulting",
    "Software",
    "Bau",
    "Medizintechnik",
    "Handel",
    "Druckerei",
    "Gebäudereinigung",
    "Immobilien",
    "Transporte",
    "Solutions",
    "Systems",
    "Trading",
    "Engineering",
    "Distribution",
    "Catering",
    "Metallbau",
    "Verpackung",
    "Holzbau",
    "Optik",
    "Textil",
    "Feinkost",
)
_PLACES = (
    "Nord",
    "Süd",
    "Rhein-Main",
    "Berlin",
    "Hamburg",
    "München",
    "Köln",
    "Stuttgart",
    "Leipzig",
    "Düsseldorf",
    "Paris",
    "Lyon",
    "Amsterdam",
    "Utrecht",
    "London",
    "Bremen",
    "Hannover",
    "Nürnberg",
    "Dresden",
    "Mainz",
    "Essen",
    "Bonn",
    "Kiel",
    "Ulm",
)
_LEGAL = (
    ("GmbH", "GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG"),
    ("GmbH & Co. KG", "GMBH U. CO. KG"),
    ("AG", "AKTIENGESELLSCHAFT"),
    ("KG", "KOMMANDITGESELLSCHAFT"),
    ("e.K.", "EK"),
    ("SARL", "S.A.R.L."),
    ("SAS", "S.A.S."),
    ("B.V.", "BV"),
    ("Ltd", "LIMITED"),
    ("UG (haftungsbeschränkt)", "UG HAFTUNGSBESCHR."),
)
_TRANSLIT = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "AE",
        "Ö": "OE",
        "Ü": "UE",
        "ß": "ss",
        "é": "e",
        "è": "e",
        "É": "E",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "í": "i",
    }
)


@dataclass(frozen=True, slots=True)
class Party:
    """A customer or supplier: its ledger name, its IBAN and its customer number."""

    index: int
    name: str
    iban: str
    number: str


_COMBOS = len(_SURNAMES) * len(_TRADES) * len(_PLACES) * len(_LEGAL)


def party_name(index: int) -> str:
    """A unique company name for `index` (a permutation of the word-list combinations)."""
    index = (index % _COMBOS * 104729 + 13) % _COMBOS + index // _COMBOS * _COMBOS
    surname = _SURNAMES[index % len(_SURNAMES)]
    rest = index // len(_SURNAMES)
    trade = _TRADES[rest % len(_TRADES)]
    rest //= len(_TRADES)
    place = _PLACES[rest % len(_PLACES)]
    rest //= len(_PLACES)
    legal = _LEGAL[rest % len(_LEGAL)][0]
    suffix = f" {rest // len(_LEGAL) + 1}" if rest >= len(_LEGAL) else ""
    return f"{surname} {trade} {place}{suffix} {legal}"


def make_party(index: int, country: str) -> Party:
    """The party with this index; its IBAN is derived from the index (checksum valid)."""
    return Party(
        index, party_name(index), iban(country, bban(country, index)), f"{5000000 + index}"
    )


def bban(country: str, index: int) -> str:
    """A basic bank account number of the right shape for `country`, unique per index."""
    if country == "FR":
        return f"30004{index % 90000 + 10000:05d}{index:011d}{index % 97:02d}"
    if country == "NL":
        return f"{('ABNA', 'INGB', 'RABO')[index % 3]}{index:010d}"
    if country == "GB":
        return f"{('BARC', 'HSBC', 'LOYD')[index % 3]}{200000 + index % 700000:06d}{index:08d}"
    return f"{37040044 + index % 7 * 100:08d}{index:010d}"


def iban(country: str, bban: str) -> str:
    """An IBAN with a valid ISO 13616 check number."""
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(digits) % 97
    return f"{country}{check:02d}{bban}"


def transliterate(text: str) -> str:
    """Umlauts and accents the way banks print them (ü -> ue)."""
    return text.translate(_TRANSLIT)


def _drop_legal(name: str, rng: random.Random) -> str:
    for short, long in _LEGAL:
        if name.endswith(" " + short):
            base = name[: -len(short) - 1]
            return rng.choice((base, f"{base} {long}", base + " " + short.split()[0]))
    return name


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(name[:-1]) if ch.isalpha() and name[i + 1].isalpha()]
    if not letters:
        return name
    i = rng.choice(letters)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def bank_printed(name: str, rng: random.Random, *, width: int = 70) -> str:
    """The name as a bank statement shows it: any mix of the usual distortions."""
    out = name
    roll = rng.random()
    if roll < 0.5:
        out = transliterate(out)
    if rng.random() < 0.4:
        out = _drop_legal(out, rng)
    if rng.random() < 0.55:
        out = out.upper()
    if rng.random() < 0.08:
        out = _typo(out, rng)
    if rng.random() < 0.15:
        width = min(width, rng.choice((20, 27, 35)))
    return out[:width].rstrip()
