"""``dateline entry``: append one dated, typed entry to a story."""
