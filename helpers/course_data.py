"""Where the course's frozen data sets live, in a checkout and in an installed wheel.

One source of truth: the repository's top-level ``data/`` folder. A wheel carries the same files as
package data under ``helpers/data/`` (``pyproject.toml`` maps the package ``helpers.data`` onto the
folder ``data/``, so the build copies it; nothing in the repository is a second copy). At run time
:data:`DATA_DIR` is read through :mod:`importlib.resources`:

* installed from a wheel (Colab, Kaggle, a JupyterHub image): ``<site-packages>/helpers/data``;
* a checkout (``make``'s editable install, or ``PYTHONPATH`` at the repository): ``<repo>/data``.

Commands that write frozen sets (``python -m helpers.datasets``, ``python -m helpers.dates``) write to
:data:`DATA_DIR`, so they write where the package reads.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

# Every file the package reads at run time; a test checks the wheel carries each, byte for byte.
FILES = (
    "dates_test.json",
    "dates_typed.tsv",
    "everyday_reviews.csv",
    "fluent_distractor_test.json",
    "fluent_gap14_test.json",
    "fluent_variable_test.json",
    "key_phrase_unseen_test.json",
    "learning_curves.json",
    "negation_reviews.csv",
    "sentiment_lexicon.json",
    "sentiment_pairs_test.json",
)


def find_data_dir() -> Path:
    """The folder holding :data:`FILES`: the package's own ``data/`` if installed, else the checkout's."""
    packaged = Path(str(resources.files("helpers"))) / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


DATA_DIR = find_data_dir()


def missing_message(path: Path, how_to_write: str) -> str:
    """What to say when a shipped file is absent (a broken install or a checkout without ``data/``)."""
    return (f"the course's data file {path.name} is missing from {path.parent}: an installed course package "
            f"ships it in helpers/data/ (reinstall it), a checkout has it in data/ ({how_to_write} writes it)")
