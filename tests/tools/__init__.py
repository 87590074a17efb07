"""Test-time tools that read typeset PDFs back: lines, words and the gaps between them."""
