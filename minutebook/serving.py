"""Run the web app under gunicorn: several worker processes, each with a few threads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

THREADS = 8


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, factory: Callable[[], Any], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # each worker builds its own app after the fork: no store or index handle is shared
        return self.factory()


def run_gunicorn(factory: Callable[[], Any], host: str, port: int, workers: int) -> None:
    """Serve ``factory()``'s WSGI app until stopped (SIGTERM/SIGINT stop the workers too)."""
    _Server(factory, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": THREADS,
        "worker_class": "gthread",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "graceful_timeout": 5,
    }).run()
