"""Domain exceptions. Caught at the document boundary, recorded, reported in one line."""


class MinutebookError(Exception):
    """Base class for every error Minutebook raises on purpose."""


class UnreadableDocument(MinutebookError):
    """A file that cannot be read as the format it claims; ``str(exc)`` is the one-line reason."""


class NeedsOCR(UnreadableDocument):
    """A PDF with no text layer on any page, and OCR is unavailable or disabled."""


class StoreError(MinutebookError):
    """The store cannot be opened or written."""
