"""Pin every dependency of pyproject.toml at its lower bound, as pip constraints.

`make test-lowest` installs with these and runs the suite: a lower bound is a claim that
the release works, and pip alone always installs the newest releases. Pinning the bounds
themselves (not resolving "the oldest that fits") also checks that they fit together:
pip refuses a set of bounds that no install can satisfy.

    python scripts/lowest_constraints.py [EXTRA ...] > constraints.txt
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def lowest_pins(extras: list[str]) -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    unknown = [extra for extra in extras if extra not in optional]
    if unknown:
        raise SystemExit(f"no such extra in pyproject.toml: {', '.join(unknown)}")
    requirements = [*project["dependencies"], *(r for e in extras for r in optional[e])]
    pins = []
    for line in requirements:
        requirement = Requirement(line)
        floors = [s.version for s in requirement.specifier if s.operator in (">=", "==")]
        if floors:  # a constraint names the package alone, never its extras
            pins.append(f"{requirement.name}=={floors[0]}")
    return pins


if __name__ == "__main__":
    print("\n".join(lowest_pins(sys.argv[1:])))
