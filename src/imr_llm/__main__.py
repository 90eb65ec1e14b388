"""``python -m imr_llm``: the ``imr-llm`` command, for environments without its script."""

from imr_llm.cli import run

run()
