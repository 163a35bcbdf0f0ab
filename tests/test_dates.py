"""helpers.dates: the generator's guarantees, the frozen test set, vocabularies and bad-input messages."""
import datetime

import numpy as np
import pytest

from helpers import dates as D


def test_frozen_test_set_equals_the_generator():
    frozen = D.load_test_set()
    fresh = D.make_test_set()
    assert len(frozen) == D.TEST_SIZE == 1000
    assert frozen.to_json() == fresh.to_json()


def test_generator_is_deterministic_and_seed_dependent():
    a, b = D.generate_dates(50, seed=3), D.generate_dates(50, seed=3)
    assert a.inputs == b.inputs and a.targets == b.targets
    assert D.generate_dates(50, seed=4).inputs != a.inputs


def test_targets_are_real_dates_in_range_and_every_format_appears():
    data = D.generate_dates(2000, seed=1)
    for iso in data.targets:
        date = datetime.date.fromisoformat(iso)
        assert D.FIRST_DATE <= date <= D.LAST_DATE
    assert set(data.formats) == set(D.FORMATS)
    assert max(data.lengths) <= D.MAX_INPUT_LEN


STRPTIME = {"d month yyyy": "%d %B %Y", "month d, yyyy": "%B %d, %Y", "Mon d, yyyy": "%b %d, %Y",
            "d/m/yy": "%d/%m/%y", "d.m.yyyy": "%d.%m.%Y", "dd/mm/yyyy": "%d/%m/%Y", "yyyy/mm/dd": "%Y/%m/%d",
            "dd-mon-yy": "%d-%b-%y", "dd.mm.yy": "%d.%m.%y", "weekday d month yyyy": "%A %d %B %Y",
            "yyyy-mm-dd": "%Y-%m-%d"}


def test_each_format_means_its_target():
    data = D.generate_dates(3000, seed=2)
    for text, iso, fmt in zip(data.inputs, data.targets, data.formats):
        if fmt in STRPTIME:
            parsed = datetime.datetime.strptime(text, STRPTIME[fmt]).date()
            if parsed.year > 2049:                   # strptime's %y pivot is 1969; ours is 1950
                parsed = parsed.replace(year=parsed.year - 100)
            assert parsed.isoformat() == iso, (text, fmt)
        elif fmt.startswith("weekday") or fmt.startswith("wkd"):
            assert text.lower().split()[0].strip(",")[:3] == datetime.date.fromisoformat(iso).strftime("%a").lower()


def test_two_digit_years_are_unambiguous():
    data = D.generate_dates(400, seed=5, formats=["d/m/yy"])
    for text, iso in zip(data.inputs, data.targets):
        yy = int(text.split("/")[-1])
        assert iso[:4] == (f"19{yy:02d}" if yy >= 50 else f"20{yy:02d}")


def test_noise_words_lengthen_inputs_but_keep_the_date():
    clean = D.generate_dates(300, seed=6)
    noisy = D.generate_dates(300, seed=6, noise_words=6)
    assert noisy.lengths.mean() > clean.lengths.mean() + 15
    assert max(noisy.lengths) <= D.MAX_INPUT_LEN
    words = set(D.NOISE_WORDS)
    assert not words & set(D.MONTHS + D.MONTHS_SHORT + D.WEEKDAYS + D.WEEKDAYS_SHORT)
    assert any(set(t.split()) & words for t in noisy.inputs)


def test_exclude_keeps_training_dates_disjoint_from_the_test_set():
    test = D.load_test_set()
    train = D.generate_dates(3000, seed=1, exclude=set(test.targets))
    assert not set(train.targets) & set(test.targets)


def test_encoding_round_trips_and_lower_cases():
    ids = D.encode_inputs(["Mar 3, 1987", "3/3/87"])
    assert ids.shape == (2, 11) and ids.dtype == np.int32
    assert D.INPUT_VOCAB.decode(ids[0]) == "mar 3, 1987"
    assert D.INPUT_VOCAB.decode(ids[1]) == "3/3/87" and (ids[1, 6:] == 0).all()
    assert D.encode_inputs(["3/3/87"], pad_to=20).shape == (1, 20)
    dec_in, dec_out = D.encode_targets(["1987-03-03"])
    assert dec_in.shape == dec_out.shape == (1, D.OUTPUT_LEN + 1)
    assert dec_in[0, 0] == D.OUTPUT_VOCAB.id(D.START) and dec_out[0, -1] == D.OUTPUT_VOCAB.id(D.END)
    assert (dec_in[0, 1:] == dec_out[0, :-1]).all()                 # shifted by one: teacher forcing
    assert D.decode_outputs(dec_out) == ["1987-03-03"]


@pytest.mark.parametrize("bad, word", [("", "non-empty"), ("   ", "non-empty"),
                                       ("3 " * 40, "longer than the encoder maximum"),
                                       ("3 märz 1987", "not in the date vocabulary"),
                                       ("3 march 1987!", "'!' at position 12")])
def test_bad_inputs_get_clear_messages(bad, word):
    with pytest.raises(ValueError, match=word):
        D.encode_inputs([bad])


def test_bad_input_in_a_batch_names_its_index_and_non_strings_are_type_errors():
    with pytest.raises(ValueError, match=r"texts\[1\]"):
        D.encode_inputs(["3/3/87", "3/3/87 #"])
    with pytest.raises(TypeError, match="expected a string"):
        D.encode_inputs([19870303])
    with pytest.raises(ValueError, match="at least one"):
        D.encode_inputs([])
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        D.encode_targets(["1987-3-3"])
    with pytest.raises(ValueError, match="noise_words"):
        D.generate_dates(5, noise_words=(3, 1))
    with pytest.raises(ValueError, match="formats"):
        D.generate_dates(5, formats=["dd/mm"])
