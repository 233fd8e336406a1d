"""Accuracy floor: the shared scorer on the hand-checked seeds must stay at 1.000 on every field."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED

SCORER = SHARED / "tools" / "score_extract.py"
pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="../shared (gold and scorer) is not beside the project")


def test_seed_scores_are_perfect(tmp_path):
    cchc = shutil.which("cchc") or str(Path(sys.executable).parent / "cchc")
    out = tmp_path / "scores.json"
    result = subprocess.run([sys.executable, str(SCORER), str(SHARED / "gold" / "seeds.json"), str(SHARED / "seeds"),
                             "--cmd", cchc + " extract-file", "--json", str(out)],
                            capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONUTF8": "1"})
    assert result.returncode == 0, result.stderr
    scores = json.loads(out.read_text())
    assert scores["failures"] == 0
    below = {field: value for field, value in scores["scores"].items() if value < 1.0}
    assert not below, f"fields below the floor: {below}; misses: {scores['misses']}"
