"""Entries as editors write them: ``::: KIND WHEN "Title"`` blocks in Markdown.

``syntax`` reads a header, ``scan`` finds the blocks with their source lines,
``markdown_ext`` renders them in place (a Python-Markdown extension), and
``reader`` keeps them, with every problem found, in Pelican's cached reader
metadata.
"""
