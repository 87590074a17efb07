"""Editions: many articles gathered into one print book and one ebook."""
