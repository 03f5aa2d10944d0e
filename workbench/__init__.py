"""Translation review workbench: MarianMT for German news, with review, glossary and scoring."""

__version__ = "0.1.0"
