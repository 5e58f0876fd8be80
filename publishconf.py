"""Settings for publishing: ``pelicanconf.py`` plus the public address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("DATELINE_SITEURL", "https://harbourvale.example")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
# The public record is append-only: refuse to publish a silently changed entry.
DATELINE_STRICT_HISTORY = True
# What is published is on the record: no drafts, no uncommitted text.
DATELINE_WRITE_DRAFTS = False
DATELINE_REQUIRE_COMMITTED = True
