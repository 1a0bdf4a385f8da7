"""Rendering the review as Markdown/HTML pages (plain Python, no MkDocs import)."""
