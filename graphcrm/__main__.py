"""``python -m graphcrm`` is the ``graphcrm`` command."""

from graphcrm.cli import run

run()
