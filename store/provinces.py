"""Provinces then and now: the 1 July 2025 reorganisation (63 → 34 provincial units).

The mapping lives in `store/data/provinces_2025.csv` (version 2025-07-01). Source: National Assembly
Resolution 202/2025/QH15 of 12 June 2025, as tabulated in shared/research/portals.md (derived from
the `vietnam-provinces` 2026.9.0 legacy tables, cross-checked with `vietnamadminunits` 1.0.4).
GSO codes are versioned: code 24 meant Bắc Giang before the merger and Bắc Ninh after it.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from extract.normalize import canonical_tones, fold

MAPPING_FILE = Path(__file__).parent / "data" / "provinces_2025.csv"
MAPPING_VERSION = "2025-07-01"
MAPPING_SOURCE = "Nghị quyết 202/2025/QH15 (12/6/2025), effective 1/7/2025"

# Spellings seen in real pages, folded, pointing at the canonical old name.
_ALIASES = {
    "tp ho chi minh": "Hồ Chí Minh", "tp hcm": "Hồ Chí Minh", "thanh pho ho chi minh": "Hồ Chí Minh",
    "hcm": "Hồ Chí Minh", "sai gon": "Hồ Chí Minh", "hue": "Thừa Thiên Huế", "tt hue": "Thừa Thiên Huế",
    "tt-hue": "Thừa Thiên Huế", "br-vt": "Bà Rịa - Vũng Tàu", "ba ria vung tau": "Bà Rịa - Vũng Tàu",
    "ba ria-vung tau": "Bà Rịa - Vũng Tàu", "ba ria – vung tau": "Bà Rịa - Vũng Tàu",
    "dak lak": "Đắk Lắk", "dac lac": "Đắk Lắk", "dak nong": "Đắk Nông", "dac nong": "Đắk Nông",
}


@lru_cache(maxsize=1)
def mapping_rows() -> list[dict]:
    """The mapping file as a list of dicts (old_code, old_name, new_code, new_name)."""
    with MAPPING_FILE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def _by_folded_name() -> dict[str, dict]:
    table = {fold(r["old_name"]): r for r in mapping_rows()}
    for alias, name in _ALIASES.items():
        table.setdefault(alias, table[fold(name)])
    return table


def lookup(name: str | None) -> dict | None:
    """The mapping row for a province name as written (any tone placement, with or without
    'tỉnh'/'thành phố'), or None."""
    if not name:
        return None
    key = fold(canonical_tones(name))
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp "):
        if key.startswith(prefix) and key[len(prefix):] in _by_folded_name():
            key = key[len(prefix):]
    return _by_folded_name().get(key)


def canonical_name(name: str | None) -> str | None:
    """The archive's spelling of a pre-merger province, or `name` unchanged when unknown."""
    row = lookup(name)
    return row["old_name"] if row else name


def province_now(name: str | None) -> str | None:
    """The province that an old province belongs to since 1 July 2025 (None when unknown)."""
    row = lookup(name)
    if row:
        return row["new_name"]
    # already a post-merger name that was not a pre-merger one ("Huế")
    new_names = {fold(r["new_name"]): r["new_name"] for r in mapping_rows()}
    return new_names.get(fold(name or ""))
