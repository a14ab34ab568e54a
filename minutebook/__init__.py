"""Minutebook: search and trace what councils and public boards decided."""

__version__ = "0.1.0"
