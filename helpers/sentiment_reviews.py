"""Everyday reviews for lesson 08: a broad review generator, and the hand-written held-out set.

Part of lesson 08 (:mod:`helpers.sentiment` uses it). Two sources, both offline:

* :func:`everyday_reviews` generates labelled reviews (1 = positive) from a hand-written
  lexicon of 864 words and phrases (``data/sentiment_lexicon.json``: adjectives graded
  mild/strong, verbs, nouns, whole phrases, intensifiers, hedges, neutral context sentences
  for four topics) and a grammar of many phrasings: plain praise and complaint, negation
  (``not``, ``wasn't``, ``didn't``, ``never`` …), understatement (``wasn't exactly great``,
  ``could have been better``), intensifiers and hedges, ``too`` + a neutral word
  (``far too salty``), lists (``quick , polite and helpful``), and contrast, where the
  clause after ``but`` / ``yet`` / ``however`` — or the main clause of ``although`` —
  carries the verdict.
* :func:`load_everyday` reads ``data/everyday_reviews.csv``: 88 reviews written by hand the
  way people write them, in no template of the generator, frozen before any model was
  trained on the generator (the lesson's held-out test of "does it carry over?").

:func:`vocabulary_coverage` says which words of some reviews a vocabulary has never seen.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import text
from .datasets import DATA_DIR, TextDataset
from .validation import check_seed, check_size, check_string_list, check_type

LEXICON_PATH = DATA_DIR / "sentiment_lexicon.json"
EVERYDAY_PATH = DATA_DIR / "everyday_reviews.csv"
# The second held-out set: 60 hand-written reviews built around negative polarity (litotes, "nothing", "far from" …).
NEGATION_PATH = DATA_DIR / "negation_reviews.csv"
# Negated, these do not flip cleanly ("not cheap" may be praise or complaint): never negated.
NOT_NEGATED = {"cheap", "missing", "wrong", "fine", "okay", "light", "dark", "cold", "sad", "silly", "fake",
               "sweet", "cool", "safe", "quiet", "soft", "sharp", "late"}
# Feelings describe the writer, not the thing: "i was disappointed", never "the soup was disappointed".
FEELINGS = {"happy", "pleased", "satisfied", "delighted", "glad", "thrilled", "impressed", "grateful",
            "disappointed", "annoyed", "unhappy", "upset", "angry", "frustrated", "furious", "bored", "confused"}


# ---- the lexicon -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Lexicon:
    """The generator's words, by role and polarity (``+1`` positive, ``-1`` negative)."""

    topics: dict          # name -> {"things": [...], "context": [...]}
    adjectives: dict      # +1/-1 -> {"strong": [...], "mild": [...]}
    too: list             # neutral words that complain after "too" ("too salty")
    verbs: dict           # +1/-1 -> [(past, base), ...]
    nouns: dict           # +1/-1 -> [...]  ("a real gem", "a total letdown")
    phrases: dict         # +1/-1 -> whole clauses ("worth every penny", "never again")
    intensifiers: list
    hedges: list
    neutral: list         # openers that carry no sentiment ("to be honest")
    adjuncts: list        # trailing phrases that carry none either ("at that price", "on our last visit")
    standards: list       # what a thing is compared with ("i hoped", "last time")

    def words(self) -> set:
        """Every token the lexicon can produce (its own words only, not the grammar's)."""
        parts = [w for topic in self.topics.values() for key in ("things", "context") for w in topic[key]]
        for sign in (1, -1):
            parts += self.adjectives[sign]["strong"] + self.adjectives[sign]["mild"] + self.nouns[sign]
            parts += self.phrases[sign] + [w for pair in self.verbs[sign] for w in pair]
        parts += self.too + self.intensifiers + self.hedges + self.neutral + self.adjuncts + self.standards
        return {token for phrase in parts for token in text.tokenize(phrase)}


@lru_cache(maxsize=4)
def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read the review lexicon (default ``data/sentiment_lexicon.json``; its data card is ``data/README.md``)."""
    path = Path(path) if path is not None else LEXICON_PATH
    if not path.is_file():
        raise FileNotFoundError(f"argument 'path': expected the review lexicon (a JSON file), got {str(path)!r} "
                                "(no file there; the course ships it as data/sentiment_lexicon.json)")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        adjectives = {1: raw["adjectives"]["positive"], -1: raw["adjectives"]["negative"]}
        lexicon = Lexicon(
            topics=raw["topics"], adjectives=adjectives, too=list(raw["too"]),
            verbs={1: [tuple(v) for v in raw["verbs"]["positive"]], -1: [tuple(v) for v in raw["verbs"]["negative"]]},
            nouns={1: raw["nouns"]["positive"], -1: raw["nouns"]["negative"]},
            phrases={1: raw["phrases"]["positive"], -1: raw["phrases"]["negative"]},
            intensifiers=list(raw["intensifiers"]), hedges=list(raw["hedges"]), neutral=list(raw["neutral"]),
            adjuncts=list(raw["adjuncts"]), standards=list(raw["comparisons"]["standards"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"argument 'path': expected a review lexicon with keys topics, adjectives, too, verbs, "
                         f"nouns, phrases, intensifiers, hedges, neutral, adjuncts, comparisons in {str(path)!r}, got an unreadable file "
                         f"({type(error).__name__}: {error})") from None
    return lexicon


# ---- the grammar -----------------------------------------------------------------------------

def _plural(subject: str) -> bool:
    """A rough agreement rule for the generator's own nouns: "the towels were", "the glass was"."""
    last = subject.split()[-1]
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


class _Writer:
    """Draws one clause or review of a given polarity; every choice comes from ``rng``."""

    def __init__(self, lexicon: Lexicon, rng: np.random.Generator):
        self.lex, self.rng = lexicon, rng
        self.topic = None

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    # -- pieces --
    def thing(self) -> str:
        return self.pick(self.lex.topics[self.topic]["things"])

    def subject(self) -> str:
        if self.chance(0.25):
            return self.pick(["it", "this", "this one", "everything"])
        return f"{self.pick(['the', 'the', 'the', 'our', 'my', 'their'])} {self.thing()}"

    def be(self, negated: bool = False, plural: bool = False) -> str:
        if plural:      # "the portions were", "the towels aren't"
            return self.pick(["were not", "weren't", "are not", "aren't", "were never", "just weren't", "were hardly",
                              "are barely"] if negated
                             else ["were", "are", "were", "looked", "felt", "seemed", "have been", "are always"])
        if negated:
            return self.pick(["was not", "wasn't", "is not", "isn't", "was never", "did not seem",
                              "didn't feel", "just wasn't", "certainly wasn't", "really wasn't", "was hardly",
                              "is barely"])
        return self.pick(["was", "was", "is", "is", "felt", "seemed", "looked", "turned out", "has been",
                          "was just", "is always", "tasted" if self.topic == "restaurant" else "was"])

    def adjective(self, sign: int, strength: str | None = None, negatable: bool = False,
                  feelings: bool = False) -> str:
        strength = strength or ("strong" if self.chance(0.35) else "mild")
        options = [w for w in self.lex.adjectives[sign][strength] if w not in FEELINGS or feelings]
        if negatable:
            options = [w for w in options if " " not in w and w not in NOT_NEGATED]
        return self.pick(options)

    def graded(self, sign: int, feelings: bool = False) -> str:
        """An adjective of polarity ``sign``, sometimes intensified, sometimes hedged (hedges only on complaints)."""
        word = self.adjective(sign, feelings=feelings)
        roll = self.rng.random()
        if roll < 0.35:
            return f"{self.pick(self.lex.intensifiers)} {word}"
        if roll < 0.5 and sign < 0:
            return f"{self.pick(self.lex.hedges)} {word}"
        return word

    # -- clauses of one polarity --
    def clause(self, sign: int) -> str:
        """One clause of polarity ``sign``, sometimes followed by a neutral adjunct ("… at that price")."""
        body = self.comparison(sign) if self.chance(0.08) else self.bare_clause(sign)
        if self.chance(0.3):
            body = f"{body} {self.pick(self.lex.adjuncts)}"
        return body

    def comparison(self, sign: int) -> str:
        """Measured against a standard: "not as good as i hoped" (-), "better than last time" (+)."""
        subject = self.subject()
        be = self.be(plural=_plural(subject))
        standard = self.pick(self.lex.standards)
        if sign > 0:
            better = self.pick(["better", "much better", "far better", "nicer", "even better", "way better"])
            return f"{subject} {be} {better} than {standard}"
        if self.chance(0.5):
            word = self.adjective(1, negatable=True)
            return f"{subject} {self.pick(['was not', 'is not', 'wasn', 'isn', 'was nowhere near', 'was not nearly'])} " \
                   f"as {word} as {standard}".replace("wasn ", "wasn't ").replace("isn ", "isn't ")
        return f"{subject} {be} {self.pick(['worse', 'much worse', 'far worse', 'a lot worse'])} than {standard}"

    def bare_clause(self, sign: int) -> str:
        kind = self.rng.random()
        if kind < 0.30:                                    # the soup was really tasty / i was very pleased
            graded = self.graded(sign, feelings=True)
            if graded.split()[-1] in FEELINGS:
                return f"{self.pick(['i was', 'we were', 'i am', 'we were all', 'i was left'])} {graded}"
            subject = self.subject()
            return f"{subject} {self.be(plural=_plural(subject))} {graded}"
        if kind < 0.45:                                    # negation flips: the soup wasn't bad at all
            word = self.adjective(-sign, "mild" if sign > 0 else None, negatable=True)
            after = self.pick([" at all", " at all", "", "", " in the least"]) if sign > 0 else \
                self.pick(["", "", " at all", " exactly", " very", " particularly", " that"])
            subject = self.subject()
            be = self.be(negated=True, plural=_plural(subject))
            if sign < 0 and after.strip() in ("exactly", "very", "particularly", "that"):
                return f"{subject} {be}{after} {word}"
            return f"{subject} {be} {word}{after}"
        if kind < 0.55:                                    # i loved the soup / i didn't enjoy it
            if sign < 0 and self.chance(0.5):
                base = self.pick(self.lex.verbs[1])[1]
                who = self.pick(["i", "we", "my husband", "my wife", "the kids", "my friend"])
                neg = self.pick(["did not", "didn't", "really didn't", "just didn't", "could not", "wouldn't"]
                                + (["don't", "do not"] if who in ("i", "we", "the kids") else []))
                return f"{who} {neg} {base} {self.pick(['it', 'the ' + self.thing(), 'this'])}"
            past, base = self.pick(self.lex.verbs[sign])
            who = self.pick(["i", "we", "i really", "we all", "my family", "the kids", "everyone"])
            verb = past if self.chance(0.6) else base
            if verb == base and who in ("everyone", "my family"):
                verb = past
            return f"{who} {verb} {self.pick(['it', 'the ' + self.thing(), 'this ' + self.thing(), 'this'])}"
        if kind < 0.63:                                    # a real gem / a total letdown
            article = self.pick(["a", "a real", "an absolute", "a total", "such a", "a complete"])
            noun = self.pick(self.lex.nouns[sign])
            if article == "a" and noun[0] in "aeiou":
                article = "an"
            return f"{self.subject()} {self.pick(['was', 'is', 'turned out to be'])} {article} {noun}"
        if kind < 0.78:                                    # whole phrases: worth every penny / never again
            return self.pick(self.lex.phrases[sign])
        if kind < 0.86:                                    # fragments: rude staff and dirty tables
            first = f"{self.graded(sign)} {self.thing()}"
            if self.chance(0.5):
                return f"{first} and {self.adjective(sign)} {self.thing()}"
            return first
        if kind < 0.93:                                    # lists: quick , polite and helpful
            words = [self.adjective(sign, "mild") for _ in range(int(self.rng.integers(2, 4)))]
            listed = " , ".join(words[:-1]) + f" and {words[-1]}"
            subject = self.subject()
            return listed if self.chance(0.5) else f"{subject} {self.be(plural=_plural(subject))} {listed}"
        if sign < 0:                                       # too + a neutral word: far too salty
            degree = self.pick(["too", "far too", "way too", "much too", "a bit too", "just too"])
            subject = self.subject()
            return f"{subject} {self.be(plural=_plural(subject))} {degree} {self.pick(self.lex.too)}"
        return f"{self.pick(['honestly', 'simply', 'just', 'really'])} {self.adjective(1, 'strong')}"

    def concession(self, sign: int) -> str:
        """A milder clause of polarity ``sign`` for the losing side of a contrast."""
        if self.chance(0.6):
            subject = self.subject()
            return f"{subject} {self.be(plural=_plural(subject))} {self.adjective(sign, 'mild')}"
        return self.clause(sign)

    # -- whole reviews --
    def review(self, sign: int) -> str:
        self.topic = self.pick(sorted(self.lex.topics))
        shape = self.rng.random()
        if shape < 0.35:                                   # one clause
            body = self.clause(sign)
        elif shape < 0.55:                                 # two clauses, same verdict
            join = self.pick([" and ", " , ", " . ", " , and ", " ! "])
            body = self.clause(sign) + join + self.clause(sign)
        else:                                              # contrast: the verdict comes from one side
            other = self.concession(-sign)
            main = self.clause(sign)
            form = self.pick(["but", "but", "but overall", "yet", "however", "although", "although",
                              "though after", "even though", "expected", "at first"])
            if form == "but":
                body = f"{other} , but {main}"
            elif form == "but overall":
                body = f"{other} , but {self.pick(['overall', 'all in all', 'on the whole', 'in the end'])} {main}"
            elif form == "yet":
                body = f"{other} , yet {main}"
            elif form == "however":
                body = f"{other} . {self.pick(['however', 'still', 'that said', 'even so'])} , {main}"
            elif form == "although":
                body = f"{self.pick(['although', 'though', 'even though', 'while'])} {other} , {main}"
            elif form == "though after":
                body = f"{main} , {self.pick(['although', 'though', 'even though'])} {other}"
            elif form == "even though":
                body = f"{main} {self.pick(['despite the fact that', 'even if'])} {other}"
            elif form == "expected":
                wanted = self.adjective(-sign)
                body = (f"i expected {self.pick(['it', 'the ' + self.thing()])} to be {wanted} but it was "
                        f"{self.graded(sign)}") if self.chance(0.6) else \
                       f"i thought it would be {wanted} , but {main}"
            else:
                body = f"at first {other} , but {main}"
        if self.chance(0.25):                              # neutral context around the verdict
            context = self.pick(self.lex.topics[self.topic]["context"])
            body = f"{context} . {body}" if self.chance(0.7) else f"{body} . {context}"
        if self.chance(0.2):
            body = f"{self.pick(self.lex.neutral)} , {body}"
        return body + self.pick([" .", " .", " !", "", " !!", " . "]).rstrip()


def everyday_reviews(n: int, *, seed: int = 0, lexicon: Lexicon | None = None) -> TextDataset:
    """``n`` generated everyday reviews, half positive (1) and half negative (0), in shuffled order.

    Deterministic given ``seed``. Texts are lower-case with punctuation as separate tokens
    (``"the soup wasn't bad at all , it was lovely !"``).
    """
    return generate(n, seed, lexicon, _Writer, "review", "everyday_reviews")


def generate(n: int, seed: int, lexicon: Lexicon | None, writer_class, method: str, name: str) -> TextDataset:
    """``n`` reviews from ``writer_class(lexicon, rng).<method>(sign)``, half positive, in shuffled order.

    Shared by :func:`everyday_reviews` and :func:`helpers.sentiment_polarity.polarity_reviews`; checks
    their arguments and joins each review's tokens with single spaces.
    """
    n = check_size("n", n, maximum=1_000_000, what="reviews")
    seed = check_seed("seed", seed)
    if lexicon is None:
        lexicon = load_lexicon()
    check_type("lexicon", lexicon, Lexicon, "a helpers.sentiment_reviews.Lexicon (from load_lexicon)")
    rng = np.random.default_rng(seed)
    write = getattr(writer_class(lexicon, rng), method)
    labels = np.arange(n) % 2
    rng.shuffle(labels)
    texts = [" ".join(write(1 if label else -1).split()) for label in labels]
    return TextDataset(texts, labels.astype(np.int64), ["negative", "positive"], {"generator": name, "seed": seed})


# ---- the hand-written held-out set -------------------------------------------------------------

def load_everyday(path: str | Path | None = None) -> TextDataset:
    """The frozen held-out set of everyday reviews (``data/everyday_reviews.csv``), written by hand.

    A CSV with columns ``text`` and ``label`` (0/1), read by
    :func:`helpers.sentiment_files.load_reviews_csv` (errors name the line and column).
    """
    from .sentiment_files import load_reviews_csv

    path = Path(path) if path is not None else EVERYDAY_PATH
    if not path.is_file():
        raise FileNotFoundError(f"argument 'path': expected the everyday review set (a CSV with text,label), got "
                                f"{str(path)!r} (no file there; the course ships it as data/everyday_reviews.csv)")
    data = load_reviews_csv(path)
    data.info["source"] = path.name
    return data


def vocabulary_coverage(vocab: text.Vocabulary, texts) -> dict:
    """Which tokens of ``texts`` the vocabulary knows.

    Returns ``{"tokens": n, "unknown tokens": k, "unknown share": k / n, "unknown words":
    sorted distinct unknown tokens, "reviews with an unknown word": m}``.
    """
    check_type("vocab", vocab, text.Vocabulary, "a helpers.text.Vocabulary")
    texts = check_string_list("texts", texts, what="reviews")
    total = unknown = with_unknown = 0
    words = set()
    for review in texts:
        tokens = text.tokenize(review)
        missing = [t for t in tokens if t not in vocab]
        total += len(tokens)
        unknown += len(missing)
        with_unknown += bool(missing)
        words.update(missing)
    return {"tokens": total, "unknown tokens": unknown, "unknown share": unknown / max(total, 1),
            "unknown words": sorted(words), "reviews with an unknown word": with_unknown}
