"""Renderings of an article's content shared by several writers."""
