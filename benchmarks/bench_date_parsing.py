"""Does dateparser read the event-date expressions the cue patterns find as well as extract.dates does?

For every date expression extract.dates finds in the held-out texts (tests/fixtures/heldout*/), the date
as written (without its cue) is handed to one cached dateparser DateDataParser(languages=['vi'], DATE_ORDER='DMY') and its
date compared with extract.dates' own reading (single dates with a written year only: ranges and
yearless dates need the context dateparser does not see). Prints agreement, disagreements and the time.

    .venv/bin/python benchmarks/bench_date_parsing.py
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dateparser.date import DateDataParser  # noqa: E402

from extract.dates import _iter_dates, _resolve  # noqa: E402


def main() -> None:
    parser = DateDataParser(languages=["vi"], settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
                                                        "REQUIRE_PARTS": ["day", "month", "year"]})
    parser.get_date_data("1/1/2020")  # load the language data before timing
    same = differ = 0
    ours_time = theirs_time = 0.0
    examples = []
    for path in sorted((ROOT / "tests" / "fixtures").glob("heldout*/*.json")):
        text = json.loads(path.read_text(encoding="utf-8"))["text"]
        for m in _iter_dates(text):
            if not (m.group("s_y") or m.group("s_wy")):
                continue
            first = m.start("s_d") if m.group("s_d") else m.start("s_wd")
            span = text[first:m.end()]  # the date itself, without the cue ("Sáng ngày", "từ ngày")
            t0 = time.perf_counter()
            got = _resolve(m, None)
            t1 = time.perf_counter()
            theirs = parser.get_date_data(span).date_obj
            t2 = time.perf_counter()
            ours_time += t1 - t0
            theirs_time += t2 - t1
            ours = got[0] if got else None
            theirs = theirs.date() if theirs else None
            if ours == theirs:
                same += 1
            else:
                differ += 1
                if len(examples) < 10:
                    examples.append(f"  {span!r}: extract.dates {ours}, dateparser {theirs}")
    print(f"{same + differ} date expressions: same {same}, different {differ}")
    print("\n".join(examples))
    print(f"time: extract.dates {ours_time * 1000:.1f} ms, dateparser {theirs_time * 1000:.1f} ms")


if __name__ == "__main__":
    main()
