"""From a :class:`~graphcrm.viz.view.GraphView` to HTML.

:func:`render_html` writes a self-contained page: vis-network's standalone
JavaScript and CSS (shipped inside the pyvis wheel, ``pyvis/lib/vis-9.1.2``)
and graphcrm's own script and styles are inlined, so the file opens with no
network at all (a Content-Security-Policy says so too). pyvis's own template
is not used: it loads vis-network and Bootstrap from CDNs.

:func:`render_fragment` writes one view's block for a server-rendered page,
which loads the same scripts from :func:`asset` by URL.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final, Literal

from jinja2 import Environment, PackageLoader, select_autoescape

from graphcrm.viz.i18n import Lang, Messages
from graphcrm.viz.view import GraphView, script_json

VIS_VERSION: Final = "9.1.2"
Asset = Literal["vis-network.min.js", "vis-network.css", "graphcrm-viz.js", "graphcrm-viz.css"]
ASSETS: Final[tuple[Asset, ...]] = (
    "vis-network.min.js",
    "vis-network.css",
    "graphcrm-viz.js",
    "graphcrm-viz.css",
)


def _vis_dir() -> Path:
    import pyvis

    return Path(pyvis.__file__).parent / "lib" / f"vis-{VIS_VERSION}"


@cache
def asset(name: Asset) -> str:
    """The text of one front-end asset (vis-network's from pyvis, ours from this package).

    Raises
    ------
    KeyError
        Not one of :data:`ASSETS`.
    """
    if name not in ASSETS:
        raise KeyError(name)
    if name.startswith("vis-network"):
        return (_vis_dir() / name).read_text(encoding="utf-8")
    return resources.files("graphcrm.viz").joinpath("static", name).read_text(encoding="utf-8")


@cache
def environment() -> Environment:
    """The Jinja environment of the view templates (autoescaping on)."""
    return Environment(
        loader=PackageLoader("graphcrm.viz", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _labels(lang: str) -> dict[str, str]:
    return Messages(_lang(lang)).catalogue()


def _lang(lang: str) -> Lang:
    return "tr" if lang == "tr" else "en"


def render_fragment(view: GraphView, *, name: str | None = None) -> str:
    """One view's HTML block; ``name`` (default: the view's kind) ids its container and
    is its key in ``window.graphcrm.views``."""
    key = name or view.kind
    return (
        environment()
        .get_template("view.html.j2")
        .render(
            view=view,
            name=key,
            labels=_labels(view.lang),
            payload=script_json(view.payload(key)),
        )
    )


def render_html(*views: GraphView, title: str | None = None) -> str:
    """A self-contained HTML page showing ``views`` one under the other (no network needed)."""
    if not views:
        raise ValueError("render_html needs at least one view")
    names: dict[str, int] = {}
    blocks = []
    for v in views:
        n = names.get(v.kind, 0)
        names[v.kind] = n + 1
        blocks.append(render_fragment(v, name=v.kind if n == 0 else f"{v.kind}-{n}"))
    return (
        environment()
        .get_template("standalone.html.j2")
        .render(
            lang=views[0].lang,
            title=title or views[0].title,
            body="\n".join(blocks),
            vis_js=asset("vis-network.min.js"),
            vis_css=asset("vis-network.css"),
            viz_js=asset("graphcrm-viz.js"),
            viz_css=asset("graphcrm-viz.css"),
        )
    )


def write_html(path: Path, *views: GraphView, title: str | None = None) -> Path:
    """:func:`render_html` into ``path`` (UTF-8); returns the path."""
    path.write_text(render_html(*views, title=title), encoding="utf-8")
    return path
