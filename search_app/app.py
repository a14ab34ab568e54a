"""The Flask app: search page, item, meeting, document and action pages, and a JSON API."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from minutebook.backends import location

from . import views


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """App factory. ``DATA_DIR`` names the data directory (store and index)."""
    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=os.environ.get("MINUTEBOOK_DATA", "./minutebook-data"),
        MAX_QUERY_CHARS=500,
        PAGE_SIZE=20,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    app.config["DATA_DIR"] = str(location(app.config["DATA_DIR"]))  # a DSN keeps its "//"
    app.json.sort_keys = False  # type: ignore[attr-defined]
    views.init_app(app)
    return app
