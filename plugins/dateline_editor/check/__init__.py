"""``dateline check``: every refusal of the build, and broken links and anchors."""
