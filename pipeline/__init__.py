"""pipeline: lint and publish Markdown blog posts. Imports nothing heavy."""

__version__ = "0.1.0"
