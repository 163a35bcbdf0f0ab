"""helpers.dates_typed: the broader generator means what it says, the hand-written set is sound and held out."""
import datetime
import re

import numpy as np
import pytest

from helpers import dates as D
from helpers import dates_typed as T

TYPED = T.load_typed_dates()
WEEKDAY_WORDS = set(D.WEEKDAYS) | set(D.WEEKDAYS_SHORT) | {"tues", "weds", "thur", "thurs"}


def _year(token: str) -> int:
    token = token.strip("'")
    if len(token) == 4:
        return int(token)
    return 1900 + int(token) if int(token) >= 50 else 2000 + int(token)


def read_back(text: str, layout: str) -> str:
    """An independent reading of a generated typed date, by its layout (a test oracle)."""
    words = text.lower()
    for lead in sorted(T.LEAD_WORDS, key=len, reverse=True):
        if layout.startswith("lead ") and words.startswith(lead + " "):
            words = words[len(lead) + 1:]
            break
    if layout.endswith("numeric"):
        a, b, c = re.split(r"[/.-]", words)
        if len(a) == 4:
            return datetime.date(int(a), int(b), int(c)).isoformat()
        day, month = (int(b), int(a)) if int(b) > 12 else (int(a), int(b))
        return datetime.date(_year(c), month, day).isoformat()
    tokens = [t.strip(",.") for t in re.split(r"[ \-]+", words.replace("twenty-", "twenty_").replace("thirty-", "thirty_"))]
    tokens = [t.replace("_", "-") for t in tokens if t and t not in ("of", "the")]
    if "weekday" in layout:
        weekday = tokens.pop(0)
        assert weekday[:3] in D.WEEKDAYS_SHORT
    month = None
    for t in tokens:
        for i, m in enumerate(D.MONTHS):
            if len(t) >= 3 and m.startswith(t):
                month = i + 1
    rest = [t for t in tokens if not (len(t) >= 3 and any(m.startswith(t) for m in D.MONTHS))]
    if layout.split()[-3:][0] == "y" or layout.endswith("y m d") or layout.endswith("y, m d"):
        year, day = rest[0], rest[1]
    else:
        day, year = rest[0], rest[1]
    day = T.ORDINAL_WORDS.index(day) + 1 if day in T.ORDINAL_WORDS else int(re.sub(r"(st|nd|rd|th)$", "", day))
    date = datetime.date(_year(year), month, day)
    if "weekday" in layout:
        assert date.weekday() == D.WEEKDAYS_SHORT.index(weekday[:3]), text
    return date.isoformat()


def test_generated_typed_dates_mean_their_targets():
    data = T.generate_typed_dates(3000, seed=4)
    layouts = {f.removeprefix("typed: ").removeprefix("lead ") for f in data.formats}
    assert {"numeric", "m d, y", "d of m y", "y m d", "d-m-y"} <= layouts
    assert any(f.startswith("typed: lead ") for f in data.formats)
    for text, iso, fmt in zip(data.inputs, data.targets, data.formats):
        assert read_back(text, fmt.removeprefix("typed: ")) == iso, (text, fmt)
        assert len(text) <= D.MAX_INPUT_LEN
        D.INPUT_VOCAB.check(text)


def test_month_first_only_where_the_day_is_above_12():
    data = T.generate_typed_dates(4000, seed=5, lead_share=0)
    month_first = 0
    for text, iso, fmt in zip(data.inputs, data.targets, data.formats):
        if fmt == "typed: numeric" and not re.match(r"\d{4}", text):
            a, b, _ = (int(x) for x in re.split(r"[/.-]", text))
            if (a, b) == (int(iso[5:7]), int(iso[8:10])) and a != b:
                month_first += 1
                assert b > 12, text
    assert month_first > 20


def test_generator_is_seeded_excludes_dates_and_mixes():
    a, b = T.generate_typed_dates(100, seed=1), T.generate_typed_dates(100, seed=1)
    assert a.inputs == b.inputs and T.generate_typed_dates(100, seed=2).inputs != a.inputs
    excluded = set(a.targets)
    assert not excluded & set(T.generate_typed_dates(500, seed=1, exclude=excluded).targets)
    mix = T.training_mix(400, seed=3, typed_share=0.25, exclude=excluded)
    assert len(mix) == 400 and sum(f.startswith("typed") for f in mix.formats) == 100
    assert not excluded & set(mix.targets)


def test_hand_written_set_is_sound_and_outside_the_original_formats():
    assert len(TYPED) >= 40
    for text, iso in zip(TYPED.inputs, TYPED.targets):
        date = datetime.date.fromisoformat(iso)
        # not one of the 16 tidy formats the frozen test set uses
        assert all(text.lower() != fmt(date).lower() for fmt in D.FORMATS.values()), text
        for word in re.findall(r"[a-z]+", text.lower()):      # a weekday, if written, is the right one
            if word in WEEKDAY_WORDS:
                assert D.WEEKDAYS_SHORT[date.weekday()] == word[:3], (text, word)


def test_hand_written_dates_are_held_out_of_the_lessons_training_data():
    exclude = set(D.load_test_set().targets) | set(TYPED.targets)
    train = T.training_mix(2000, seed=1, exclude=exclude)
    assert not set(TYPED.targets) & set(train.targets)
    assert not set(TYPED.inputs) & set(train.inputs)


@pytest.mark.parametrize("line, message", [
    ("3 march 1987", "one tab"),
    ("3 march 1987\t1987-3-3", "ISO date"),
    ("3 march 1987\t1987-02-30", "ISO date"),
    ("3 march 1887\t1887-03-03", "between 1950-01-01"),
    ("3 märz 1987\t1987-03-03", "not in the date vocabulary"),
    ("\t1987-03-03", "non-empty"),
])
def test_bad_lines_name_the_line(line, message):
    with pytest.raises(ValueError, match=message) as info:
        T.parse_typed_lines(["# a comment", "", "mar 3 1987\t1987-03-03", line], source="mine.tsv")
    assert "mine.tsv, line 4" in str(info.value)


def test_missing_or_empty_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        T.load_typed_dates(tmp_path / "nothing.tsv")
    empty = tmp_path / "empty.tsv"
    empty.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(ValueError, match="at least one"):
        T.load_typed_dates(empty)
    good = tmp_path / "good.tsv"
    good.write_text("the 2nd of may 1999\t1999-05-02\n", encoding="utf-8")
    assert T.load_typed_dates(good).targets == ["1999-05-02"]


def test_concat_refuses_what_is_not_a_dateset():
    with pytest.raises(TypeError, match="sets\\[1\\]"):
        T.concat(TYPED, ["3 march 1987"])
    assert len(T.concat(TYPED, TYPED)) == 2 * len(TYPED)
    assert np.all(T.concat(TYPED, TYPED).lengths[:len(TYPED)] == TYPED.lengths)
