"""Music generation with a character-level RNN over ABC notation (lesson 07).

The pipeline, one function per step::

    corpus = load_corpus()                      # O'Neill's 1850 collection, shipped with music21
    vocab = build_vocabulary(corpus.train_text)  # sorted characters
    ids = vectorize(corpus.train_text, vocab)    # (time,) int
    x, y = random_batch(ids, 64, 100, rng)       # (batch, time) inputs and next-character targets
    model = build_model(len(vocab))              # Embedding -> LSTM/GRU -> Dense, logits (batch, time, V)
    tunes, _ = sample_tunes(model, vocab, n=64, temperature=0.8, seed=0)   # many tunes in one batch
    check = check_tune(tunes[0])                 # music21 parse: key, meter, notes, bar durations
    listen(tunes[0])                             # numpy-synthesised audio, or a clear message

Shapes: ``batch`` examples, ``time`` characters, ``V`` the vocabulary size, ``units`` the
recurrent state size. Nothing here reaches the network or calls system audio tools.
"""
from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .validation import check_array, check_number, check_positive_int, check_text

__all__ = ["KEEP_HEADERS", "TUNE_END", "START", "default_corpus_dir", "Corpus", "normalise_tune",
           "split_tunes", "load_corpus", "build_vocabulary", "vectorize", "unvectorize", "random_batch",
           "batch_dataset", "build_model", "make_step", "initial_states", "check_temperature",
           "sample_tunes", "bits_per_char", "AbcError", "parse_abc", "TuneCheck", "check_tune",
           "playable_rate", "bar_match_rate", "synthesize", "listen", "piano_roll"]

KEEP_HEADERS = ("X", "T", "M", "L", "K")   # what a player needs: number, title, meter, unit length, key
TUNE_END = "\n\n"                          # a blank line ends a tune in ABC, and in our text
START = "X:1\n"                            # every normalised tune starts like this (the sampling seed)
MAX_TEMPERATURE = 10.0
_HEADER = re.compile(r"^([A-Za-z]):(.*)$")


# ---- corpus ------------------------------------------------------------------------------------

def default_corpus_dir() -> Path:
    """The O'Neill's 1850 ABC files that ship inside the installed music21 package."""
    import music21

    return Path(music21.__file__).resolve().parent / "corpus" / "oneills1850"


def _read_abc_file(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")   # the O'Neill files are Latin-1; every byte decodes


def normalise_tune(raw: str) -> str | None:
    """One raw ABC tune → the normalised text the model learns, or ``None`` when it cannot be played.

    Keeps the headers a player needs, in the order ``X T M L K`` (``X:1`` always, the first title
    only, ``K`` last as ABC requires), drops the others (source, notes, transcriber ...) and
    comments, keeps inline ``M:``/``L:``/``K:`` changes in the body, strips trailing spaces and
    blank lines. A tune without ``K:``, ``M:`` or music is dropped (``None``).
    """
    headers: dict[str, str] = {}
    body: list[str] = []
    in_body = False
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.split("%", 1)[0].replace("\t", " ").rstrip()     # '%' starts a comment
        if not line.strip():
            continue
        match = _HEADER.match(line)
        if match:
            name, value = match.group(1), match.group(2).strip()
            if not in_body:
                if name in KEEP_HEADERS and name not in headers:
                    headers[name] = value
                if name == "K":
                    in_body = True
            elif name in ("M", "L", "K") and value:
                body.append(f"{name}:{value}")     # a change of meter/length/key inside the tune
            continue
        if in_body:
            body.append(line)
    if not headers.get("K") or not headers.get("M") or not body:
        return None
    lines = ["X:1"]
    if headers.get("T"):
        lines.append(f"T:{headers['T']}")
    lines.append(f"M:{headers['M']}")
    lines.append(f"L:{headers.get('L') or '1/8'}")
    lines.append(f"K:{headers['K']}")
    return "\n".join(lines + body) + "\n"


def split_tunes(text: str) -> tuple[list[str], int]:
    """ABC text → (normalised tunes, number of raw tunes dropped). Tunes start at an ``X:`` line."""
    chunks = re.split(r"(?m)^(?=X:)", text)
    tunes, dropped = [], 0
    for chunk in chunks:
        if not chunk.lstrip().startswith("X:"):
            continue            # file header before the first tune
        tune = normalise_tune(chunk)
        if tune is None:
            dropped += 1
        else:
            tunes.append(tune)
    return tunes, dropped


def _join(tunes) -> str:
    return "".join(t + "\n" for t in tunes)   # each tune ends with "\n", so tunes are split by TUNE_END


@dataclass
class Corpus:
    """Normalised tunes split by tune into train and validation; ``*_text`` joins them with blank lines."""

    train: list[str]
    valid: list[str]
    source: str
    files: int
    dropped: int = 0
    tunes: list[str] = field(default_factory=list)

    @property
    def train_text(self) -> str:
        return _join(self.train)

    @property
    def valid_text(self) -> str:
        return _join(self.valid)

    def summary(self) -> str:
        chars = len(self.train_text) + len(self.valid_text)
        return (f"{self.source}: {self.files} files, {len(self.tunes)} tunes ({self.dropped} dropped: no key, "
                f"meter or music), {chars:,} characters; train {len(self.train)} tunes / "
                f"{len(self.train_text):,} chars, validation {len(self.valid)} tunes / {len(self.valid_text):,} chars")


def load_corpus(path=None, valid_fraction: float = 0.1, seed: int = 0) -> Corpus:
    """Load ABC tunes from ``path`` (a ``.abc`` file or a folder searched recursively; default:
    O'Neill's 1850 collection inside music21), normalise them, and split by tune.

    The validation tunes are a seeded random ``valid_fraction`` of the tunes, so no tune is
    split across the two sets. Raises ``FileNotFoundError`` for a missing path and
    ``ValueError`` when there are no playable tunes.
    """
    valid_fraction = check_number("valid_fraction", valid_fraction, low=0, high=0.9)
    check_positive_int("seed", seed, minimum=0)
    if path is None:
        folder = default_corpus_dir()
        if not folder.is_dir():  # pragma: no cover - music21 always ships it
            raise FileNotFoundError(f"the O'Neill corpus was not found in music21 at {folder}")
        files, source = sorted(folder.glob("*.abc")), "O'Neill's 1850 (music21 corpus)"
    else:
        path = Path(path).expanduser()
        if not path.exists():
            raise FileNotFoundError(f"argument 'path': {str(path)!r} does not exist (expected an .abc file "
                                    "or a folder of .abc files)")
        files = sorted(path.rglob("*.abc")) if path.is_dir() else [path]
        source = str(path)
        if not files:
            raise ValueError(f"argument 'path': the folder {str(path)!r} holds no .abc files")
    tunes, dropped = [], 0
    for file in files:
        found, lost = split_tunes(_read_abc_file(file))
        tunes += found
        dropped += lost
    if not tunes:
        raise ValueError(f"argument 'path': no playable tunes in {source!r} (expected tunes that start with "
                         f"'X:' and have 'M:' and 'K:' headers; {dropped} tunes were dropped)")
    order = np.random.default_rng(seed).permutation(len(tunes))
    n_valid = int(round(valid_fraction * len(tunes))) if len(tunes) > 1 else 0
    valid_idx = set(order[:n_valid].tolist())
    train = [t for i, t in enumerate(tunes) if i not in valid_idx]
    valid = [t for i, t in enumerate(tunes) if i in valid_idx]
    return Corpus(train=train, valid=valid, source=source, files=len(files), dropped=dropped, tunes=tunes)


# ---- characters <-> ids (exercise 07.1) ----------------------------------------------------------

def build_vocabulary(text: str) -> list[str]:
    """The sorted list of distinct characters in ``text``: character ``vocab[i]`` has id ``i``."""
    check_text("text", text)
    return sorted(set(text))


def vectorize(text: str, vocab) -> np.ndarray:
    """Text → ids ``(time,)`` int64, with ``vocab[id] == character``. Unknown characters raise ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"argument 'text': expected a string, got {type(text).__name__}")
    index = {c: i for i, c in enumerate(vocab)}
    try:
        return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))
    except KeyError as error:
        raise ValueError(f"argument 'text': character {error.args[0]!r} is not in the vocabulary "
                         f"({len(index)} characters)") from None


def unvectorize(ids, vocab) -> str:
    """Ids ``(time,)`` → text (the inverse of :func:`vectorize`)."""
    ids = check_array("ids", ids, ndim=1, kind="int", allow_empty=True)
    if ids.size and (ids.min() < 0 or ids.max() >= len(vocab)):
        raise ValueError(f"argument 'ids': expected ids in [0, {len(vocab) - 1}], got range [{ids.min()}, {ids.max()}]")
    return "".join(vocab[i] for i in ids)


# ---- batches (exercise 07.2) ----------------------------------------------------------------------

def random_batch(ids, batch_size: int, seq_len: int, rng: np.random.Generator):
    """Random windows of the text: inputs ``x`` and next-character targets ``y``, both ``(batch, time)``.

    Row ``b`` starts at a uniformly random position ``s`` (drawn with ``rng``, so a seed repeats the
    batch): ``x[b] = ids[s : s + seq_len]`` and ``y[b] = ids[s + 1 : s + seq_len + 1]``.
    """
    ids = check_array("ids", ids, ndim=1, kind="int")
    batch_size = check_positive_int("batch_size", batch_size)
    seq_len = check_positive_int("seq_len", seq_len)
    if len(ids) < seq_len + 1:
        raise ValueError(f"argument 'seq_len': expected at most len(ids) - 1 = {len(ids) - 1}, got {seq_len}")
    starts = rng.integers(0, len(ids) - seq_len, size=batch_size)     # s + seq_len <= len(ids) - 1
    window = starts[:, None] + np.arange(seq_len)[None, :]            # (batch, time)
    return ids[window], ids[window + 1]


def batch_dataset(ids, batch_size: int, seq_len: int, steps: int, seed: int = 0, batch_fn=None):
    """A ``keras.utils.PyDataset`` for ``fit``: ``steps`` fresh random batches per epoch, drawn by
    ``batch_fn`` (default :func:`random_batch`) with one seeded ``rng``, so a seed repeats training data."""
    import keras

    ids = check_array("ids", ids, ndim=1, kind="int")
    batch_size = check_positive_int("batch_size", batch_size)
    seq_len = check_positive_int("seq_len", seq_len)
    steps = check_positive_int("steps", steps)
    rng = np.random.default_rng(seed)
    batch_fn = batch_fn or random_batch

    class CharBatches(keras.utils.PyDataset):
        def __len__(self):
            return steps

        def __getitem__(self, index):
            return batch_fn(ids, batch_size, seq_len, rng)

    return CharBatches()


# ---- the model -------------------------------------------------------------------------------------

def build_model(vocab_size: int, embedding_dim: int = 64, units: int = 256, cell: str = "lstm",
                learning_rate: float = 3e-3, clipnorm: float | None = 1.0):
    """Embedding → LSTM (or GRU) → Dense: ids ``(batch, time)`` → logits ``(batch, time, V)``, compiled.

    The loss is the cross-entropy of the next character (natural log; divide by ln 2 for bits).
    No ``batch_input_shape``, no stateful layers: generation threads the state itself (:func:`make_step`).
    """
    import keras

    vocab_size = check_positive_int("vocab_size", vocab_size, minimum=2)
    embedding_dim = check_positive_int("embedding_dim", embedding_dim)
    units = check_positive_int("units", units)
    if cell not in ("lstm", "gru"):
        raise ValueError(f"argument 'cell': expected 'lstm' or 'gru', got {cell!r}")
    layer = keras.layers.LSTM if cell == "lstm" else keras.layers.GRU
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")                       # (batch, time)
    x = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")(ids)      # (batch, time, E)
    h = layer(units, return_sequences=True, name="rnn")(x)                            # (batch, time, units)
    logits = keras.layers.Dense(vocab_size, name="logits")(h)                         # (batch, time, V)
    model = keras.Model(ids, logits, name=f"char_{cell}_{units}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),   # clip: tame rare spikes
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def initial_states(model, batch_size: int) -> list[np.ndarray]:
    """Zero recurrent states for ``batch_size`` sequences: ``[h, c]`` (LSTM) or ``[h]`` (GRU), each ``(batch, units)``."""
    batch_size = check_positive_int("batch_size", batch_size)
    cell = model.get_layer("rnn").cell
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    return [np.zeros((batch_size, s), dtype="float32") for s in sizes]


def make_step(model):
    """One character per call, the recurrent state passed in and out explicitly.

    ``step(ids_t, states) -> (logits, states)`` with ``ids_t`` ``(batch,)`` int, ``states`` as
    from :func:`initial_states`, ``logits`` ``(batch, V)``. It reuses the trained layers (the
    embedding, the RNN layer's own cell and the dense layer), so it computes exactly what the
    model computes one position at a time.
    """
    import tensorflow as tf

    embedding, cell, dense = model.get_layer("embedding"), model.get_layer("rnn").cell, model.get_layer("logits")

    @tf.function(reduce_retracing=True)   # compiled once: a Python-level loop would be ~10x slower
    def step(ids_t, states):
        x_t = embedding(ids_t)                     # (batch, E)
        h_t, new_states = cell(x_t, list(states))  # (batch, units)
        if not isinstance(new_states, (list, tuple)):
            new_states = [new_states]
        return dense(h_t), list(new_states)        # (batch, V)

    return step


def check_temperature(temperature) -> float:
    """A temperature must lie in (0, 10]: 1 samples the model's own distribution, lower is safer, higher wilder."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating, np.integer)):
        raise TypeError(f"argument 'temperature': expected a number in (0, {MAX_TEMPERATURE:g}], "
                        f"got {type(temperature).__name__} {temperature!r}")
    temperature = float(temperature)
    if not 0 < temperature <= MAX_TEMPERATURE:
        raise ValueError(f"argument 'temperature': expected a value in (0, {MAX_TEMPERATURE:g}] (1 = the model's "
                         f"own distribution, lower = safer, higher = wilder), got {temperature:g}")
    return temperature


def sample_tunes(model, vocab, n: int = 1, temperature: float = 1.0, seed: int = 0, prefix: str = START,
                 max_chars: int = 800, min_chars: int = 0, step=None):
    """Generate ``n`` tunes at once (one batch), each from ``prefix`` until a blank line or ``max_chars``.

    ``min_chars`` forbids ending a tune (a blank line) within its first ``min_chars`` generated
    characters, like ``min_length`` in text generation: the blank line's probability is set to 0
    there and the others renormalised.

    Sampling uses the Gumbel-max trick with one ``np.random.default_rng([seed, row])`` per row: the
    same model, seed and temperature give the same tunes (tune ``b`` does not depend on ``n``);
    the same seed at another temperature uses the same random numbers, so the tunes differ
    only by the temperature. Returns ``(tunes, stats)`` with
    ``stats = {"chars": generated characters, "seconds": ..., "chars_per_second": ...}``.
    """
    n = check_positive_int("n", n)
    temperature = check_temperature(temperature)
    max_chars = check_positive_int("max_chars", max_chars)
    min_chars = check_positive_int("min_chars", min_chars, minimum=0)
    check_text("prefix", prefix)
    step = step or make_step(model)
    check_positive_int("seed", seed, minimum=0)
    rngs = [np.random.default_rng([seed, row]) for row in range(n)]   # one stream per row: tune b does not
    index = {c: i for i, c in enumerate(vocab)}                        # depend on how many tunes are drawn
    newline = index.get("\n")
    prefix_ids = vectorize(prefix, vocab)
    start = time.perf_counter()
    states = initial_states(model, n)
    for char_id in prefix_ids[:-1]:                          # read the prefix, threading the state
        _, states = step(np.full(n, char_id, dtype="int32"), states)
    current = np.full(n, prefix_ids[-1], dtype="int32")
    out = np.zeros((n, max_chars), dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    lengths = np.full(n, max_chars)
    previous = current.copy()
    for t in range(max_chars):
        logits, states = step(current, states)
        logits = np.asarray(logits, dtype=np.float64) / temperature       # (batch, V)
        if t < min_chars and newline is not None:
            logits[previous == newline, newline] = -np.inf                  # no blank line yet: too early to end
        uniform = np.stack([r.uniform(1e-12, 1.0, size=logits.shape[1]) for r in rngs])
        gumbel = -np.log(-np.log(uniform))
        chosen = np.argmax(logits + gumbel, axis=1)                       # a sample from softmax(logits / T)
        out[:, t] = chosen
        ended = (~done) & (newline is not None) & (chosen == newline) & (previous == newline)
        lengths[ended] = t + 1
        done |= ended
        if done.all():
            break
        previous, current = chosen, chosen.astype("int32")
    seconds = time.perf_counter() - start
    tunes = [prefix + unvectorize(out[b, :lengths[b]], vocab).rstrip("\n") + "\n" for b in range(n)]
    chars = int(np.minimum(lengths, t + 1).sum())
    return tunes, {"chars": chars, "seconds": seconds, "chars_per_second": chars / max(seconds, 1e-9)}


def bits_per_char(model, ids, window: int = 256, burn_in: int = 64, batch_size: int = 32) -> float:
    """Average cross-entropy of the next character in bits, over a whole held-out text ``ids`` ``(time,)``.

    The text is cut into overlapping windows; each window's first ``burn_in`` predictions only
    warm up the state (except in the first window), so almost every character is scored with
    ``burn_in`` or more characters of context, and each exactly once.
    """
    ids = check_array("ids", ids, ndim=1, kind="int")
    window = check_positive_int("window", window, minimum=2)
    burn_in = check_positive_int("burn_in", burn_in, minimum=0, maximum=window - 1)
    if len(ids) < 2:
        raise ValueError(f"argument 'ids': expected at least 2 characters, got {len(ids)}")
    hop = window - burn_in
    xs, ys, masks = [], [], []
    begin = 0
    while True:
        x = ids[begin:begin + window]
        y = ids[begin + 1:begin + window + 1]
        x = x[:len(y)]
        if len(y) == 0:
            break
        mask = np.zeros(window, dtype="float32")
        mask[(0 if begin == 0 else burn_in):len(y)] = 1.0
        pad = window - len(y)
        xs.append(np.pad(x, (0, pad)))
        ys.append(np.pad(y, (0, pad)))
        masks.append(mask)
        if begin + window + 1 >= len(ids):
            break
        begin += hop
    x, y, mask = np.stack(xs), np.stack(ys), np.stack(masks)
    total = 0.0
    for b in range(0, len(x), batch_size):
        logits = np.asarray(model.predict_on_batch(x[b:b + batch_size].astype("int32")), dtype=np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        picked = np.take_along_axis(log_probs, y[b:b + batch_size, :, None], axis=-1)[..., 0]
        total -= float((picked * mask[b:b + batch_size]).sum())
    return total / float(mask.sum()) / np.log(2.0)


# ---- ABC -> music21 -> notes -----------------------------------------------------------------------

class AbcError(ValueError):
    """The ABC text cannot be played; the message says why (never a music21 traceback)."""


def parse_abc(abc: str):
    """ABC text → a ``music21.stream.Score``; ``AbcError`` with a clear reason when it cannot be read."""
    if not isinstance(abc, str):
        raise AbcError(f"expected ABC text (a string), got {type(abc).__name__}")
    text = abc.strip()
    if not text:
        raise AbcError("the ABC text is empty: nothing to play")
    if not re.search(r"(?m)^K:", text):
        raise AbcError("the ABC text has no key line 'K:...' (every tune needs one, after X/T/M/L)")
    if not text.startswith("X:"):
        text = "X:1\n" + text
    import music21

    part_class = music21.stream.Part
    make_beams = part_class.makeBeams
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Beams only matter for drawing notation, and music21 spends two thirds of its ABC
            # parse time making them: skip them while we parse, then put the method back.
            part_class.makeBeams = lambda self, *args, **kwargs: self
            score = music21.converter.parseData(text + "\n", format="abc")
    except Exception as error:   # music21 raises many kinds of errors on malformed ABC
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise AbcError(f"music21 could not read this ABC ({type(error).__name__}{': ' + first[:120] if first else ''})") from None
    finally:
        part_class.makeBeams = make_beams
    if isinstance(score, music21.stream.Opus):
        if not len(score.scores):
            raise AbcError("the ABC text holds no tune")
        score = score.scores[0]
    return score


@dataclass
class TuneCheck:
    """What music21 made of one tune. ``notes`` rows are ``(onset, duration, midi)`` in quarter notes."""

    playable: bool
    reason: str
    key: str | None = None
    meter: str | None = None
    notes: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    bars: int = 0
    bars_matching: int = 0

    @property
    def n_notes(self) -> int:
        return len(self.notes)


def _notes_of(score) -> np.ndarray:
    """Sounding notes ``(n, 3)``: rows ``(onset, duration, midi)`` in quarter notes; tied notes merged, grace notes skipped."""
    import music21

    rows: list[list[float]] = []
    open_ties: dict[float, int] = {}          # midi pitch -> row of the note its tie started from
    for element in score.flatten().notes:
        if element.duration.isGrace or element.quarterLength <= 0:
            continue
        pitches = element.pitches if isinstance(element, music21.chord.Chord) else [element.pitch]
        tie = element.tie.type if element.tie is not None else None
        for pitch in pitches:
            midi = float(pitch.midi)
            tied = open_ties.pop(midi, None)
            if (tie in ("stop", "continue") and tied is not None
                    and abs(sum(rows[tied][:2]) - float(element.offset)) < 1e-6):
                rows[tied][1] += float(element.quarterLength)   # a tie lengthens the note, not repeats it
                if tie == "continue":
                    open_ties[midi] = tied
                continue
            rows.append([float(element.offset), float(element.quarterLength), midi])
            if tie == "start":
                open_ties[midi] = len(rows) - 1
    return np.array(rows, dtype=float).reshape(-1, 3)


MIN_NOTES = 16


def check_tune(abc: str, min_notes: int = MIN_NOTES) -> TuneCheck:
    """Parse a tune and report: playable (a key, a meter and >= ``min_notes`` notes), and its bars.

    Bars: a bar *matches* when its length equals the meter's bar length. The first and last bars
    are not counted (pick-up and closing bars are short on purpose).
    """
    import music21

    try:
        score = parse_abc(abc)
        keys = list(score.recurse().getElementsByClass(music21.key.KeySignature))
        meters = list(score.recurse().getElementsByClass(music21.meter.TimeSignature))
        notes = _notes_of(score)
        bars = matching = 0
        for part in score.parts[:1]:
            measures = list(part.getElementsByClass(music21.stream.Measure))
            current = None
            for i, measure in enumerate(measures):
                if measure.timeSignature is not None:
                    current = measure.timeSignature
                if current is None or i == 0 or i == len(measures) - 1:
                    continue
                bars += 1
                matching += abs(float(measure.highestTime) - float(current.barDuration.quarterLength)) < 1e-6
    except AbcError as error:
        return TuneCheck(False, str(error))
    except Exception as error:   # music21 inspection failed on a strange score
        return TuneCheck(False, f"music21 could not analyse this tune ({type(error).__name__})")
    key = str(keys[0]) if keys else None
    meter = meters[0].ratioString if meters else None
    if key is None:
        reason = "no key signature (the K: line was not understood)"
    elif meter is None:
        reason = "no meter (the M: line is missing or not understood)"
    elif len(notes) < min_notes:
        reason = f"only {len(notes)} notes (at least {min_notes} needed)"
    else:
        reason = "ok"
    return TuneCheck(reason == "ok", reason, key, meter, notes, bars, int(matching))


def playable_rate(checks) -> float:
    """Share of :class:`TuneCheck` results that are playable."""
    checks = list(checks)
    if not checks:
        raise ValueError("argument 'checks': expected at least one TuneCheck, got none")
    return float(np.mean([c.playable for c in checks]))


def bar_match_rate(checks) -> float:
    """Share of counted bars (over all tunes) whose length matches the meter; NaN when there are none."""
    checks = list(checks)
    bars = sum(c.bars for c in checks)
    return float(sum(c.bars_matching for c in checks) / bars) if bars else float("nan")


# ---- sound and pictures -----------------------------------------------------------------------------

def synthesize(notes, bpm: float = 120.0, rate: int = 16000, max_seconds: float = 20.0) -> np.ndarray:
    """Notes ``(n, 3)`` rows ``(onset, duration, midi)`` in quarter notes → a mono waveform ``(samples,)`` float32.

    Each note is a fundamental plus two softer harmonics under a plucked envelope (fast attack,
    exponential decay, short release), summed and scaled to a peak of 0.9. Numpy only.
    """
    notes = check_array("notes", notes, ndim=2, kind="number")
    if notes.shape[1] != 3:
        raise ValueError(f"argument 'notes': expected shape (n, 3) rows (onset, duration, midi), got {notes.shape}")
    bpm = check_number("bpm", bpm, low=0, low_open=True, high=1000)
    rate = check_positive_int("rate", rate, minimum=1000)
    max_seconds = check_number("max_seconds", max_seconds, low=0, low_open=True)
    seconds_per_quarter = 60.0 / bpm
    onsets, durations = notes[:, 0] * seconds_per_quarter, notes[:, 1] * seconds_per_quarter
    total = min(float((onsets + durations).max()) + 0.3, max_seconds)
    wave = np.zeros(int(total * rate) + 1, dtype=np.float64)
    for onset, duration, midi in zip(onsets, durations, notes[:, 2]):
        begin = int(onset * rate)
        if begin >= len(wave):
            continue
        length = min(int((duration + 0.05) * rate), len(wave) - begin)
        t = np.arange(length) / rate
        freq = 440.0 * 2.0 ** ((midi - 69) / 12)
        tone = np.sin(2 * np.pi * freq * t) + 0.4 * np.sin(4 * np.pi * freq * t) + 0.15 * np.sin(6 * np.pi * freq * t)
        envelope = np.minimum(1.0, t / 0.005) * np.exp(-3.0 * t)                    # attack, decay
        envelope *= np.clip((length / rate - t) / 0.03, 0.0, 1.0)                   # release, no click
        wave[begin:begin + length] += tone * envelope
    peak = np.abs(wave).max()
    return (0.9 * wave / peak if peak > 0 else wave).astype(np.float32)


def listen(abc: str, bpm: float = 120.0, rate: int = 11025, max_seconds: float = 15.0):
    """An ``IPython.display.Audio`` player for a tune, or ``None`` after printing why it cannot be played."""
    from IPython.display import Audio

    check = abc if isinstance(abc, TuneCheck) else check_tune(abc, min_notes=1)
    if check.n_notes == 0:
        print(f"Cannot play this tune: {check.reason if check.reason != 'ok' else 'it has no notes'}")
        return None
    wave = synthesize(check.notes, bpm=bpm, rate=rate, max_seconds=max_seconds)
    return Audio(wave, rate=rate, normalize=False)


def piano_roll(notes, ax=None, title: str = ""):
    """Draw notes ``(n, 3)`` rows ``(onset, duration, midi)`` as bars: time across, pitch up. Returns the Figure."""
    import matplotlib.pyplot as plt

    notes = check_array("notes", notes, ndim=2, kind="number", allow_empty=True)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 2.6))
    else:
        fig = ax.figure
    if len(notes):
        ax.broken_barh([(o, d) for o, d in notes[:, :2]], (0, 0), alpha=0)   # keeps the x range
        for onset, duration, midi in notes:
            ax.add_patch(plt.Rectangle((onset, midi - 0.4), duration * 0.95, 0.8, color="#3b75af"))
        ax.set_xlim(0, float((notes[:, 0] + notes[:, 1]).max()))
        ax.set_ylim(notes[:, 2].min() - 2, notes[:, 2].max() + 2)
    else:
        ax.text(0.5, 0.5, "no notes", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("MIDI pitch")
    ax.set_title(title)
    return fig
