"""The data of the message catalogue (:mod:`graphcrm.viz.i18n`), by area: each
message a key with its English and Turkish text."""

from __future__ import annotations

from typing import Final

from graphcrm.viz.catalogue.pages import PAGES
from graphcrm.viz.catalogue.sentences import SENTENCES
from graphcrm.viz.catalogue.views import VIEWS

MESSAGES: Final[dict[str, tuple[str, str]]] = {**VIEWS, **PAGES, **SENTENCES}
"""Every plain message: the views', then the pages', then the sentences'."""
