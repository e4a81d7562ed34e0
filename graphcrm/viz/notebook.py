"""Showing views in a notebook: an ``<iframe srcdoc>`` holding the self-contained page."""

from __future__ import annotations

import html
from typing import Final

from graphcrm.viz.render import render_html
from graphcrm.viz.view import GraphView

HEIGHT: Final = 820


class InlinePage:
    """A rendered page that Jupyter shows through ``_repr_html_`` (sandboxed iframe)."""

    def __init__(self, page: str, height: int = HEIGHT) -> None:
        self.page = page
        self.height = height

    def _repr_html_(self) -> str:
        doc = html.escape(self.page, quote=True)
        return (
            f'<iframe sandbox="allow-scripts" srcdoc="{doc}" '
            f'style="width:100%;height:{self.height}px;border:0"></iframe>'
        )


def show(*views: GraphView, height: int = HEIGHT) -> InlinePage:
    """The views as one inline page, for a notebook cell's last expression."""
    return InlinePage(render_html(*views), height=height)
