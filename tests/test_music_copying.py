"""helpers.music_copying: the suffix array is sorted, matches are the true longest ones, bars are whole."""
import numpy as np
import pytest

from helpers import music_copying as M

TRAIN = [
    "X:1\nT:First\nM:6/8\nL:1/8\nK:G\nGAB c2d | e2d cBA | G3 G2 :|\n",
    "X:1\nT:Second\nM:4/4\nL:1/8\nK:D\n|: d2 fd ed cB | A2 FA dA FA |1 G2 B2 A4 :|2 G2 E2 D4 |]\n",
]


def brute_longest(strings, query):
    best = 0
    for i in range(len(query)):
        for j in range(i + best + 1, len(query) + 1):
            if any(query[i:j] in s for s in strings):
                best = j - i
            else:
                break
    return best


@pytest.mark.parametrize("seed", range(6))
def test_suffix_array_is_sorted_and_matches_are_the_longest(seed):
    rng = np.random.default_rng(seed)
    alphabet = "ab|c" if seed % 2 else "abcdefgh|: 2"
    strings = ["".join(rng.choice(list(alphabet), size=int(rng.integers(1, 60)))) for _ in range(4)]
    text = M.SEPARATOR.join(strings)
    assert M.suffix_array(text).tolist() == sorted(range(len(text)), key=lambda i: text[i:])
    index = M.SuffixIndex(strings)
    for _ in range(10):
        query = "".join(rng.choice(list(alphabet + "z"), size=int(rng.integers(1, 40))))
        length, start = index.longest_match(query)
        assert length == brute_longest(strings, query)
        assert any(query[start:start + length] in s for s in strings)


def test_no_match_runs_across_two_training_strings():
    index = M.SuffixIndex(["xxabc", "defyy"])
    assert index.longest_match("abcdef") == (3, 0)        # "abcdef" would match only across the join
    assert index.longest_match("zzz") == (0, 0)
    with pytest.raises(ValueError, match="NUL"):
        index.longest_match("a\x00b")


def test_bars_are_whole_and_headers_are_not_music():
    assert M.music_of(TRAIN[0]) == "GAB c2d | e2d cBA | G3 G2 :|"
    assert M.bars_of(TRAIN[0]) == ["GABc2d", "e2dcBA", "G3G2"]
    assert M.bars_of(TRAIN[1]) == ["d2fdedcB", "A2FAdAFA", "G2B2A4", "G2E2D4"]   # |: :| |1 :|2 |] are bar lines
    assert M.bars_of("X:1\nK:G\nGAB | cde | fg") == ["GAB", "cde"]              # unfinished last bar dropped
    assert M.bars_of("X:1\nK:G\n[CEG]2 A | B2 ||\n") == ["[CEG]2A", "B2"]        # a chord is not a bar line


def test_report_counts_copied_bars_against_the_training_tunes():
    index = M.CopyIndex(TRAIN)
    copied = "X:1\nT:Copy\nM:4/4\nK:D\nF2 | A2 FA dA FA | G2 B2 A4 | g8 |\n"     # two bars of "Second", in order
    novel = "X:1\nT:New\nM:4/4\nK:D\nfe dc | BA GF | E8 |\n"
    shuffled = "X:1\nT:Swap\nM:6/8\nK:G\ne2d cBA | GAB c2d |\n"                  # both bars exist, not in this order
    report = index.report([copied, novel, shuffled])
    assert report.bars.tolist() == [2, 0, 1]
    assert report.bar_passages[0] == ["A2FAdAFA", "G2B2A4"]
    assert report.share_copying(2) == pytest.approx(1 / 3)
    assert report.most_copied() == 0
    assert report.chars[0] >= len("| A2 FA dA FA |") and report.chars[1] < 6
    assert index.source_of(report.char_passages[0]) == "Second"
    assert report.n_bars.tolist() == [4, 3, 2]


def test_bad_input_named():
    with pytest.raises(TypeError, match="training_tunes"):
        M.CopyIndex("X:1\nK:G\nabc|")
    with pytest.raises(ValueError, match="tunes"):
        M.CopyIndex(TRAIN).report([])


def test_source_of_bars_and_the_plot():
    import matplotlib
    matplotlib.use("Agg")
    index = M.CopyIndex(TRAIN)
    assert index.source_of_bars(["A2FAdAFA", "G2B2A4"]) == "Second"
    assert index.source_of_bars(["G2B2A4", "A2FAdAFA"]) == ""          # both exist, not in this order
    report = index.report([TRAIN[0], "X:1\nK:G\nabc | def |\n"])
    fig = M.plot_copying({"generated": report, "real": report})
    assert len(fig.axes) == 2 and len(fig.axes[1].patches) == 2 * 7
    with pytest.raises(TypeError, match="reports"):
        M.plot_copying({"generated": [1, 2]})
