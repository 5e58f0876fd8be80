"""Development settings for the Dateline sample site (``make build``)."""

AUTHOR = "Dateline Sample Newsroom"
SITENAME = "The Harbour Vale Explainer"
SITEURL = ""

PATH = "content"
THEME = "theme"
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"

PLUGINS = ["dateline"]

# The Dateline theme escapes every value and marks HTML (content, summaries)
# with |safe. (Dateline's own parts are escaped whatever this says.)
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404"]

ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "pages/{slug}/"
PAGE_SAVE_AS = "pages/{slug}/index.html"

# Feeds need absolute links; in development they point at `make serve`.
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

DEFAULT_PAGINATION = 10
RELATIVE_URLS = True
TYPOGRIFY = True
# When the content cache is on (invoke livereload), cache whole articles,
# typogrify included, not only the Markdown: a one-entry rebuild reads one file.
CONTENT_CACHING_LAYER = "generator"
# Uncompressed, the cache loads and saves in a fraction of the time (a few MB more on disk).
GZIP_CACHE = False

# --- Dateline (docs/settings.md lists every setting and its default) ---------
DATELINE_SITE_DESCRIPTION = (
    "Explainers about Harbour Vale that say, in public, when and how they changed."
)
# Ids in the updates feed; keep this fixed forever, even if SITEURL changes.
DATELINE_ID_AUTHORITY = "harbourvale.example"
# While writing, a changed or removed published entry is a warning;
# publishconf.py refuses to publish it.
DATELINE_STRICT_HISTORY = False
# Preview Status: draft stories locally (drafts/SLUG.html); publishconf.py writes none.
DATELINE_WRITE_DRAFTS = True
# The Dateline theme styles Dateline's parts itself, and forbids inline script
# and style: a Content-Security-Policy on every page.
DATELINE_STYLESHEET_SAVE_AS = ""
DATELINE_CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
