"""``graphcrm serve``: uvicorn with one worker or several.

Several workers are processes that share the listening socket; each builds its
app with :func:`api.app.serve_app` (settings from the environment). They share
nothing but the store: its write lock (:meth:`~graphcrm.store.port.GraphStore.exclusive`)
and its change log, from which each learns of the others' writes (:mod:`api.freshness`).
"""

from __future__ import annotations

import contextlib
import os
import socket

from graphcrm.auth import keys_path
from graphcrm.config import Settings


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Serve the API until interrupted."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from .app import create_app, freeze_imports
    from .middleware import log_requests_to_stderr

    if workers == 1:
        log_requests_to_stderr()
        app = create_app(settings)
        freeze_imports()
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="info")
        return
    # The workers build their apps from the environment (api.app.serve_app).
    os.environ["GRAPHCRM_STORE"] = settings.store.get_secret_value()
    os.environ["GRAPHCRM_KEYS_PATH"] = str(keys_path(settings))
    config = uvicorn.Config(
        f"{__package__}.app:serve_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        access_log=False,
        log_level="info",
    )
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[_tcp(config.bind_socket())]).run()


def _tcp(sock: socket.socket) -> socket.socket:
    """The listening socket, told that its protocol is TCP.

    uvicorn opens it as ``socket(family)`` (protocol 0); asyncio sets
    ``TCP_NODELAY`` only on accepted sockets whose protocol is
    ``IPPROTO_TCP``, so without this every answer written in two sends
    (headers, body) waits for the client's delayed ACK: 40 ms.
    """
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return sock
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.set_inheritable(True)
    return tcp
