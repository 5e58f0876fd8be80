"""An explainer's versions from git, and the rules that keep its record honest.

``gitlog`` reads the repository in one pass, ``prefetch`` does it on another
core while Pelican reads, ``versions`` turns one file's commits into its
published versions and checks the append-only rule, ``store`` keeps what
each committed text yields, ``diff`` compares two versions, ``holdback``
cuts entries not due yet, and ``attach`` gives each article its history.

What the second process runs (``prefetch``, ``store``, ``gitlog``,
``versions``, ``diff``) imports nothing of Pelican: it starts fast.
"""
