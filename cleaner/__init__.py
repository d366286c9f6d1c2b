"""cleaner: strip boilerplate from web scrapes into a clean article body plus metadata."""

from typing import TYPE_CHECKING

from cleaner.document import Document, Format, Image, Line

if TYPE_CHECKING:
    from cleaner.pipeline import Cleaner

__all__ = ["Cleaner", "Document", "Format", "Image", "Line"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """`Cleaner` on first use: the command's parent process never cleans, so it never imports trafilatura."""
    if name == "Cleaner":
        from cleaner.pipeline import Cleaner

        return Cleaner
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
