"""One story, many portals: a repost of an archived story on another portal (other first line, a
comma, "UBND" for "Ủy ban nhân dân", "hoá" for "hóa") is found as a near duplicate of the article
stored first; a different course of the same Sở, a close text under another headline, and the same
story within one site, are not."""
from pathlib import Path

import pytest

from store import Archive
from store.stories import MAX_DISTANCE, story_print

STORIES = Path(__file__).resolve().parent / "fixtures" / "stories"
REPLAY = Path(__file__).resolve().parents[1] / "replay" / "content"
ORIGINAL, REPOST, OTHER = ((STORIES / f).read_text(encoding="utf-8")
                           for f in ("portal_a.txt", "portal_b_repost.txt", "other_course.txt"))


TITLE = "Lớp bồi dưỡng nghiệp vụ kiểm soát thủ tục hành chính"


def article(url: str, text: str, title: str = TITLE) -> dict:
    return {"url": url, "title": title, "text": text,
            "published_date": "2024-10-15", "relevant": True, "province": None, "officials": [],
            "rankings": [], "documents": []}


@pytest.fixture
def archive(tmp_path):
    a = Archive(tmp_path / "archive.db")
    for name in ("portal_a", "portal_b"):
        a.save_site({"name": name, "province": None, "base_url": f"http://127.0.0.1/{name}/"})
    yield a
    a.close()


def distance(a: int, b: int) -> int:
    return bin(a ^ b).count("1")


def test_a_repost_is_within_the_distance_and_another_course_is_far():
    original, repost, other = (story_print(t) for t in (ORIGINAL, REPOST, OTHER))
    assert distance(original, repost) <= MAX_DISTANCE
    assert distance(original, other) > 2 * MAX_DISTANCE


def test_no_two_distinct_replay_articles_look_like_one_story():
    """The replay's 41 long articles share one topic and one vocabulary (CCHC news of six Sở): no pair
    may come within twice the distance, or distinct stories would be merged."""
    bodies = [p.read_text(encoding="utf-8").split("---", 2)[2] for p in sorted(REPLAY.glob("*/*.md"))]
    prints = [v for v in map(story_print, bodies) if v is not None]
    assert len(prints) >= 30
    closest = min(distance(a, b) for i, a in enumerate(prints) for b in prints[i + 1:])
    assert closest > 2 * MAX_DISTANCE


def test_a_repost_on_another_portal_is_the_stored_story(archive):
    first = archive.save_article(article("http://127.0.0.1/portal_a/1", ORIGINAL), site="portal_a")
    repost = article("http://127.0.0.1/portal_b/9", REPOST, title="Lâm Viên: " + TITLE)
    assert archive.near_duplicate(repost, "portal_b") == first
    assert archive.near_duplicate(article("http://127.0.0.1/portal_b/10", OTHER), "portal_b") is None


def test_the_same_text_under_another_headline_is_not_merged(archive):
    """Texts from one template (a Sở's boilerplate, a fixture's sentence pool) can be close; a story
    with another headline is another story, and a false merge would lose an article."""
    archive.save_article(article("http://127.0.0.1/portal_a/1", ORIGINAL), site="portal_a")
    other_headline = article("http://127.0.0.1/portal_b/9", REPOST, title="Hội nghị tổng kết công tác cải cách hành chính")
    assert archive.near_duplicate(other_headline, "portal_b") is None


def test_one_site_never_merges_its_own_articles(archive):
    archive.save_article(article("http://127.0.0.1/portal_a/1", ORIGINAL), site="portal_a")
    assert archive.near_duplicate(article("http://127.0.0.1/portal_a/2", REPOST), "portal_a") is None


def test_an_article_is_not_its_own_near_duplicate_and_short_texts_are_not_fingerprinted(archive):
    own = "http://127.0.0.1/portal_b/9"
    archive.save_article(article(own, REPOST), site="portal_b")
    stored = archive.article_id(own)
    assert archive.near_duplicate(article("http://127.0.0.1/portal_a/1", ORIGINAL), "portal_a") == stored
    assert archive.near_duplicate(article(own, ORIGINAL), "portal_a") is None  # re-extracting it: never itself
    assert story_print("Sở Nội vụ mở lớp tập huấn.") is None
