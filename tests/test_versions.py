"""helpers.versions: the declared ranges come from the package's metadata, and setup() names what is off."""
import pytest

import helpers
from helpers import versions

METADATA = [  # the shape importlib.metadata.requires() returns for this package
    "numpy>=1.26",
    "keras>=3.3",
    "ipywidgets>=7.7",
    'tensorflow-cpu>=2.16; (platform_machine == "x86_64" or platform_machine == "AMD64") and extra == "cpu"',
    'tensorflow>=2.16; (platform_machine != "x86_64" and platform_machine != "AMD64") and extra == "cpu"',
    'jupyterlab>=4.1; extra == "lab"',
    'pytest>=8; extra == "test"',
]


def test_ranges_are_the_runtime_dependencies_and_tensorflow():
    ranges = versions.declared_ranges(METADATA)
    assert ranges == {"numpy": ">=1.26", "keras": ">=3.3", "ipywidgets": ">=7.7", "tensorflow": ">=2.16"}


def test_installed_course_declares_its_ranges():
    ranges = versions.declared_ranges()       # make's editable install carries the metadata
    assert {"numpy", "keras", "matplotlib", "ipywidgets", "music21", "psutil", "tensorflow"} <= set(ranges)
    assert "jupyterlab" not in ranges and "nbgrader" not in ranges
    assert versions.check_versions() == ranges   # this environment is inside every range


@pytest.mark.parametrize("installed, expected", [
    ({"keras": "3.2.1"}, "keras: installed 3.2.1, the course supports keras>=3.3"),
    ({"ipywidgets": "7.6.5"}, "ipywidgets: installed 7.6.5, the course supports ipywidgets>=7.7"),
    ({"tensorflow": None}, "tensorflow: not installed; the course needs tensorflow>=2.16 "
                           "(pip install 'deep-sequence-modeling[cpu]')"),
    ({"numpy": None}, "numpy: not installed; the course needs numpy>=1.26"),
])
def test_problems_name_package_version_and_range(installed, expected):
    ranges = versions.declared_ranges(METADATA)
    current = {"numpy": "2.0.2", "keras": "3.13.2", "ipywidgets": "8.1.5", "tensorflow": "2.20.0"}
    found = versions.problems(ranges, {**current, **installed})
    assert len(found) == 1 and found[0].startswith(expected), found


def test_newer_and_unreadable_versions_are_accepted():
    ranges = versions.declared_ranges(METADATA)
    assert versions.problems(ranges, {"numpy": "3.0.0", "keras": "4.0.0rc1", "ipywidgets": "7.7.1",
                                      "tensorflow": "2.20.0+local-build"}) == []
    assert versions.problems(ranges, {"numpy": "2.0.2", "keras": "not a version", "ipywidgets": "8.1.9",
                                      "tensorflow": "2.16.1"}) == []


def test_setup_stops_with_the_package_the_version_and_the_range(monkeypatch):
    real = versions.installed_version
    monkeypatch.setattr(versions, "installed_version", lambda name: "3.0.0" if name == "keras" else real(name))
    with pytest.raises(versions.UnsupportedVersion, match=r"keras: installed 3\.0\.0, the course supports keras>=3\.3"):
        helpers.setup(verbose=False)


def test_tensorflow_found_under_either_distribution_name():
    assert versions.installed_version("tensorflow") is not None   # tensorflow-cpu here, tensorflow elsewhere
    assert versions.installed_version("no-such-package-anywhere") is None
