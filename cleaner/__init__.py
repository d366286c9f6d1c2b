"""cleaner: strip boilerplate from web scrapes into a clean article body plus metadata."""

from cleaner.document import Document, Format, Image, Line
from cleaner.pipeline import Cleaner

__all__ = ["Cleaner", "Document", "Format", "Image", "Line"]
__version__ = "0.1.0"
