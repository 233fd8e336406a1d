"""Held-out accuracy floor: the shared scorer on three held-out sets, each of 24 articles labelled by an
independent annotator and never used to write rules, must not fall below what the extractors reach now.

tests/fixtures/heldout  — set 1; every field at 1.000.
tests/fixtures/heldout2 — set 2 (a second annotator). Its misses were fixed with general rules checked on
    new snippets of our own in tests/fixtures/*_cases.json, never on the held-out wording. Left below 1.000:
    documents_date (extract/documents.py gives "Kế hoạch 156/KH-SNV" the date of the decision cited
    before it).
tests/fixtures/heldout3 — set 3 (a third annotator). Fixed the same way (new snippets of our own first):
    a title before a bracketed "(ông Name)", department names with "về …" and ", công chức, viên chức",
    a title that is only a unit ("Phân viện …"), a rare surname after a title and a place, party document
    symbols ("12-TB/TU"), district rankings and a change kept in its own clause, several classes of one
    programme, trainee role nouns ("điều tra viên") and meeting delegates. Left below 1.000: province of
    h3_01 (a press repost whose only province cue was the byline's "(Báo Quảng Ninh)"; classify, not a
    fact finder). `author` (extract/page.py) has a provisional floor of 0.70.

The floors are the scores reached when this test was written, rounded down to 0.05. Raise them when
the extractors improve; never edit the held-out gold to make this pass.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED

HERE = Path(__file__).resolve().parent
SCORER = SHARED / "tools" / "score_extract.py"
pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="../shared (scorer) is not beside the project")

FIELDS = ["published_date", "event_start", "event_end", "province", "event_type", "learners", "venues_count",
          "relevant", "author", "officials_title", "officials", "rankings", "rankings_change", "documents",
          "documents_date"]
# folder -> (per-field floors, macro floor)
SETS = {
    "heldout": ({field: 1.00 for field in FIELDS}, 1.00),
    "heldout2": ({field: 1.00 for field in FIELDS}, 1.00),
    "heldout3": ({**{field: 1.00 for field in FIELDS}, "province": 0.95, "author": 0.70}, 0.95),
}


@pytest.mark.parametrize("folder", sorted(SETS))
def test_heldout_scores_stay_above_the_floor(tmp_path, folder):
    heldout = HERE / "fixtures" / folder
    floor, macro_floor = SETS[folder]
    assert len(list(heldout.glob("*.json"))) >= 20
    cchc = shutil.which("cchc") or str(Path(sys.executable).parent / "cchc")
    out = tmp_path / "scores.json"
    result = subprocess.run([sys.executable, str(SCORER), str(heldout), str(tmp_path / "texts"),
                             "--cmd", cchc + " extract-file", "--json", str(out)],
                            capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONUTF8": "1"})
    assert result.returncode == 0, result.stderr
    scores = json.loads(out.read_text())
    assert scores["failures"] == 0, scores["misses"]
    assert set(FIELDS) <= set(scores["scores"])
    below = {f: round(scores["scores"][f], 3) for f in FIELDS if scores["scores"][f] < floor[f] - 1e-9}
    assert not below, f"{folder}: fields below the floor: {below}; misses: {scores['misses']}"
    assert scores["macro"] >= macro_floor - 1e-9
