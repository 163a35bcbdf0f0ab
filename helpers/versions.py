"""The versions the course supports, read from its own package metadata, and a check of what is installed.

The ranges are declared once, in ``pyproject.toml``; an installed course (a wheel, or ``make``'s
editable install) carries them in its metadata, and :func:`check_versions` compares each with the
version the running interpreter has. :func:`helpers.setup` calls it, so a lesson started on a runtime
outside the ranges stops at its first cell with the package, the installed version and the range,
instead of failing later deep inside TensorFlow. Only lower bounds are declared: a newer release is
never refused (hosted runtimes upgrade without asking).
"""
from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "deep-sequence-modeling"
# TensorFlow comes from the runtime or from the [cpu] extra, under either of two distribution names.
TENSORFLOW_NAMES = ("tensorflow", "tensorflow-cpu")


class UnsupportedVersion(RuntimeError):
    """A package the course needs is missing or older than the course supports."""


def declared_ranges(requirements: list[str] | None = None) -> dict[str, str]:
    """``{package: specifier}`` for the runtime dependencies and TensorFlow (from the ``cpu`` extra).

    ``requirements`` defaults to the installed course's metadata; ``{}`` when the course runs from a
    bare ``PYTHONPATH`` with no metadata (nothing to check against).
    """
    from packaging.requirements import Requirement  # a dependency of matplotlib, so always present

    if requirements is None:
        try:
            requirements = metadata.requires(DISTRIBUTION) or []
        except metadata.PackageNotFoundError:
            return {}
    ranges: dict[str, str] = {}
    for line in requirements:
        req = Requirement(line)
        marker = str(req.marker) if req.marker else ""
        name = req.name.lower()
        if name in TENSORFLOW_NAMES:
            ranges.setdefault("tensorflow", str(req.specifier))
        elif "extra" not in marker:
            ranges[name] = str(req.specifier)
    return ranges


def installed_version(name: str) -> str | None:
    """The installed version of ``name`` (TensorFlow under either distribution name), or None."""
    for candidate in (TENSORFLOW_NAMES if name == "tensorflow" else (name,)):
        try:
            return metadata.version(candidate)
        except metadata.PackageNotFoundError:
            continue
    return None


def problems(ranges: dict[str, str], installed: dict[str, str | None]) -> list[str]:
    """One sentence per package that is missing or outside its range (pure: tested without installs)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    found = []
    for name, spec in sorted(ranges.items()):
        version = installed.get(name)
        if version is None:
            hint = "pip install 'deep-sequence-modeling[cpu]'" if name == "tensorflow" else f"pip install '{name}{spec}'"
            found.append(f"{name}: not installed; the course needs {name}{spec} ({hint})")
            continue
        try:
            ok = Version(version) in SpecifierSet(spec, prereleases=True)
        except InvalidVersion:
            ok = True   # a local build with a version string packaging cannot read: do not refuse it
        if not ok:
            found.append(f"{name}: installed {version}, the course supports {name}{spec} (pip install -U '{name}{spec}')")
    return found


def check_versions() -> dict[str, str]:
    """Raise :class:`UnsupportedVersion` naming every package outside its range; return the ranges checked."""
    ranges = declared_ranges()
    found = problems(ranges, {name: installed_version(name) for name in ranges})
    if found:
        raise UnsupportedVersion("this runtime does not meet the course's requirements:\n  " + "\n  ".join(found))
    return ranges
