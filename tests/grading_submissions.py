"""Submissions for the nbgrader matrix test: blank, wrong, `use` line deleted, correct.

Each is made from what a student receives (``release/lessonNN/``): an exercise cell is left as
released (blank), has its ``exercises.use`` line deleted (answer left blank: the case that used
to earn full marks), gets a plausible wrong answer (:data:`WRONG`), or the solution (correct).
One submission notebook mixes kinds, so four notebooks per lesson give every exercise all four
kinds (:func:`kinds_for`).
"""
from __future__ import annotations

import textwrap

import nbformat

from tools.grading import USE_LINE
from tools.nbtool import BEGIN, END

# The order matters: exercise j + 1 gets the kind after exercise j's, so an exercise that calls an
# earlier one's function (03.2 → 03.1, 04.2 → 04.1, 01.3 → 01.1) is correct only where the earlier
# one was blank (the reference took over), never where it was deleted (its stub stayed in place).
KINDS = ("correct", "use deleted", "wrong", "blank")

# One plausible wrong answer per exercise: replaces the first solution block of the cell.
WRONG = {
    "00.1": "return [(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 2)]  # the last pair is lost",
    "00.2": "ids = np.asarray(ids)[-length:]\n"
            "return np.concatenate([ids, np.full(length - len(ids), pad, dtype=ids.dtype)])  # padded on the right",
    "01.1": "return np.eye(vocab_size, dtype=np.float32)[np.asarray(ids) - 1]  # off by one",
    "01.2": "ids = np.asarray(ids)\n"
            "inputs = np.stack([ids[s:s + window] for s in range(len(ids) - window)])\n"
            "return inputs, ids[window - 1:-1]  # the window's own last id, not the next one",
    "01.3": "windows = np.asarray(windows)\n"
            "return one_hot(windows, vocab_size).sum(axis=1)  # a bag: the positions are lost",
    "02.1": "counts = np.zeros((len(sequences), vocab_size), dtype=np.float32)\n"
            "for row, seq in enumerate(sequences):\n"
            "    counts[row, np.asarray(seq)] = 1.0  # presence, not counts\n"
            "counts[:, 0] = 0.0\n"
            "return counts",
    "02.2": "out = np.zeros((len(sequences), vocab_size * vocab_size), dtype=np.float32)\n"
            "for row, seq in enumerate(sequences):\n"
            "    seq = np.asarray(seq)\n"
            "    np.add.at(out[row], seq[1:] * vocab_size + seq[:-1], 1.0)  # pairs read backwards\n"
            "return out",
    "03.1": "return np.tanh(x_t @ W_xh + h_prev * W_hh.diagonal() + b_h)  # element-wise recurrence",
    "03.2": "h, hs = h0, []\n"
            "for t in range(x.shape[1]):\n"
            "    h = rnn_step(x[:, t], h0, params[\"W_xh\"], params[\"W_hh\"], params[\"b_h\"])  # always h0\n"
            "    hs.append(h)\n"
            "return np.stack(hs, axis=1)",
    "03.3": "h_prev = states[0]\n"
            "h = ops.matmul(inputs, self.W_xh) + ops.matmul(h_prev, self.W_hh) + self.b_h  # tanh forgotten\n"
            "return h, [h]",
    "04.1": "da = dh  # the tanh derivative is missing\n"
            "return {\"dW_xh\": x_t.T @ da, \"dW_hh\": h_prev.T @ da, \"db_h\": da.sum(axis=0), \"dh_prev\": da @ W_hh.T}",
    "04.2": "hs, ys = rnn_forward(x, params, h0)\n"
            "batch, time, _ = x.shape\n"
            "dys = (softmax(ys) - np.eye(ys.shape[-1])[targets]) / batch\n"
            "grads = {name: np.zeros_like(value) for name, value in params.items()}\n"
            "for t in reversed(range(time)):  # no gradient flows from h_{t+1} back to h_t\n"
            "    grads[\"W_hy\"] += hs[:, t].T @ dys[:, t]\n"
            "    grads[\"b_y\"] += dys[:, t].sum(axis=0)\n"
            "    dh = dys[:, t] @ params[\"W_hy\"].T\n"
            "    h_prev = hs[:, t - 1] if t > 0 else h0\n"
            "    step = step_backward(dh, hs[:, t], h_prev, x[:, t], params[\"W_hh\"])\n"
            "    grads[\"W_xh\"] += step[\"dW_xh\"]\n"
            "    grads[\"W_hh\"] += step[\"dW_hh\"]\n"
            "    grads[\"b_h\"] += step[\"db_h\"]\n"
            "return grads",
    "05.1": "return W_hh * (1.0 - np.tanh(a_t) ** 2)[None, :]  # columns scaled instead of rows",
    "05.2": "return np.clip(grad, -max_norm, max_norm)  # clips each value, not the norm",
    "06.1": "units = h_prev.shape[1]\n"
            "z = x_t @ kernel + h_prev @ recurrent_kernel + bias\n"
            "sigmoid = lambda a: 1 / (1 + np.exp(-a))\n"
            "f = sigmoid(z[:, :units])  # gate order i, f swapped\n"
            "i = sigmoid(z[:, units:2 * units])\n"
            "g = np.tanh(z[:, 2 * units:3 * units])\n"
            "o = sigmoid(z[:, 3 * units:])\n"
            "c_t = f * c_prev + i * g\n"
            "return o * np.tanh(c_t), c_t",
    "06.2": "units = h_prev.shape[1]\n"
            "sigmoid = lambda a: 1 / (1 + np.exp(-a))\n"
            "xw = x_t @ kernel + bias[0]\n"
            "hu = h_prev @ recurrent_kernel + bias[1]\n"
            "z = sigmoid(xw[:, :units] + hu[:, :units])\n"
            "r = sigmoid(xw[:, units:2 * units] + hu[:, units:2 * units])\n"
            "candidate = np.tanh(xw[:, 2 * units:] + r * hu[:, 2 * units:])\n"
            "return (1 - z) * h_prev + z * candidate  # z and 1 - z swapped",
    "06.3": "predicted = np.argmax(probabilities, axis=-1)\n"
            "return float(np.mean(predicted == tags))  # padding counted",
    "07.1": "index = {char: i + 1 for i, char in enumerate(vocab)}  # ids start at 1\n"
            "return np.array([index[char] for char in text], dtype=np.int64)",
    "07.2": "starts = rng.integers(0, len(ids) - seq_len, size=batch_size)\n"
            "window = starts[:, None] + np.arange(seq_len)[None, :]\n"
            "return ids[window], ids[window]  # targets not shifted",
    "08.1": "sequences = [vocab.encode(t) for t in texts]\n"
            "if maxlen is None:\n"
            "    maxlen = max(len(s) for s in sequences)\n"
            "ids = np.zeros((len(sequences), maxlen), dtype=np.int32)\n"
            "for row, seq in enumerate(sequences):\n"
            "    seq = seq[:maxlen]\n"
            "    ids[row, :len(seq)] = seq  # padded at the end\n"
            "mask = ids != vocab.pad_id\n"
            "return ids, mask, np.asarray(labels, dtype=np.float32)",
    "08.2": "inputs = keras.Input((None,), dtype=\"int32\")\n"
            "x = keras.layers.Embedding(vocab_size, embedding_dim)(inputs)  # no mask: padding is read\n"
            "h = keras.layers.LSTM(units)(x)\n"
            "return keras.Model(inputs, keras.layers.Dense(1, activation=\"sigmoid\")(h))",
    "09.1": "q = query @ W_query\n"
            "k = keys @ W_key\n"
            "scores = np.tanh(q[:, :, None, :] + k[:, None, :, :]) @ v\n"
            "e = np.exp(scores - scores.max(axis=-1, keepdims=True))  # the mask is ignored\n"
            "return e / e.sum(axis=-1, keepdims=True)",
    "09.2": "return np.einsum(\"bqt,btd->bqd\", weights, values) / weights.shape[-1]  # an average, divided again",
    "09.3": "candidates = (beam_scores[:, None] + log_probs).ravel()\n"
            "best = np.argsort(candidates, kind=\"stable\")[:beam_width]  # the worst first\n"
            "V = log_probs.shape[1]\n"
            "return candidates[best], best // V, best % V",
    "10.1": "scores = q @ np.swapaxes(k, -1, -2)  # not divided by sqrt(d)\n"
            "if mask is not None:\n"
            "    scores = np.where(mask, scores, -1e9)\n"
            "weights = np.exp(scores - scores.max(axis=-1, keepdims=True))\n"
            "weights = weights / weights.sum(axis=-1, keepdims=True)\n"
            "return weights @ v, weights",
    "10.2": "batch, time, width = x.shape\n"
            "return x.reshape(batch, n_heads, time, width // n_heads)  # heads cut across time steps",
    "10.3": "return np.triu(np.ones((length, length), dtype=bool))  # every step sees the future",
    "10.4": "p = np.arange(length)[:, None]\n"
            "rates = 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)\n"
            "table = np.zeros((length, d_model))\n"
            "table[:, 0::2] = np.cos(p * rates)  # sin and cos swapped\n"
            "table[:, 1::2] = np.sin(p * rates)\n"
            "return table",
}


def kinds_for(exercise_ids: list[str], submission: int) -> dict[str, str]:
    """The kind each exercise of a lesson gets in submission 0..3 (a Latin square over KINDS)."""
    return {eid: KINDS[(position + submission) % len(KINDS)] for position, eid in enumerate(exercise_ids)}


def answer_cells(nb) -> dict[str, int]:
    """Exercise id → index of its answer cell (nbgrader grade_id ``answer_NN_M``)."""
    found = {}
    for index, cell in enumerate(nb.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("answer_"):
            found[grade_id[len("answer_"):].replace("_", ".")] = index
    return found


def _fill(source: str, replacement: str | None) -> str:
    """The source cell with its first solution block replaced (None: every block keeps its solution)."""
    out, inside, skipping, replaced = [], False, False, replacement is None
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            inside = True
            if not replaced:
                indent = line[: len(line) - len(line.lstrip())]
                out.append(textwrap.indent(replacement, indent))
                replaced, skipping = True, True
            else:
                skipping = False
        elif stripped == END:
            inside = False
        elif not inside or not skipping:
            out.append(line)
    return "\n".join(out)


def answer(kind: str, exercise_id: str, released: str, source: str) -> str:
    """An exercise cell's text for one kind, from the released and the source cell."""
    if kind == "blank":
        return released
    if kind == "use deleted":
        without = USE_LINE.sub("", released)
        assert without != released, f"exercise {exercise_id}: no exercises.use line to delete"
        return without
    if kind == "correct":
        return _fill(source, None)
    if kind == "wrong":
        return _fill(source, WRONG[exercise_id])
    raise ValueError(f"argument 'kind': expected one of {KINDS}, got {kind!r}")


def submission(released_nb, source_nb, kinds: dict[str, str]):
    """A filled-in copy of the released notebook: each exercise answered as ``kinds`` says."""
    nb = nbformat.from_dict(released_nb)
    sources = answer_cells(source_nb)
    for exercise_id, index in answer_cells(nb).items():
        nb.cells[index].source = answer(kinds[exercise_id], exercise_id, nb.cells[index].source,
                                        source_nb.cells[sources[exercise_id]].source)
    return nb
