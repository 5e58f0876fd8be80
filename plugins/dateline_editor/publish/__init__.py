"""``dateline publish``: build, check and deploy a finished site."""
