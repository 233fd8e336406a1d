"""cap_nesting decides most pages over findall's tuples; that path must agree with the
token-by-token cut (`_cut_nesting`) on every input, cut or not."""
import random

import pytest

from extract.guard import _cut_nesting, cap_nesting

_BITS = ["<div>", "</div>", "<p>", "<li>", "</p>", "<script>", "</script>", "</SCRIPT >", "<script/>",
         "<script src=x>", "<script->", "<script-a>", "<scripts>", "<style>", "</style>", "<!--", "-->",
         "<b>", "</b>", "<br/>", "<a href='<b>'>", "x", "<textarea>", "</textarea>", "<ſcript>", "</ſcript>",
         "<Script>", "<img>", "<td>", "<tr>", "<", ">", "/", "<scrıpt>", "<i>", "</i>", "<a/ >", "<p/>",
         "</scr", "ipt>", "<STYLE/>", "<style:x>", "\n"]


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_agrees_with_the_cut(seed):
    rng = random.Random(seed)
    cut = 0
    for i in range(1500):
        html = "".join(rng.choice(_BITS) for _ in range(rng.choice([20, 100, 400])))
        depth = 3 + i % 12  # shallow caps: most inputs are cut, the rest pass through
        out = cap_nesting(html, depth)
        assert out == _cut_nesting(html, depth), html
        cut += out != html
    assert 0 < cut < 1500


def test_deep_tower_is_cut_and_a_shallow_page_kept():
    tower = "<div>" * 1000 + "x" + "</div>" * 1000
    assert cap_nesting(tower) == _cut_nesting(tower, 180) != tower
    page = "<html><body>" + "<p>a</p><script>if (a<b) {}</script>" * 200 + "</body></html>"
    assert cap_nesting(page) is page
