"""Editor and deploy tools behind ``tasks.py``: one small module a job.

* ``project`` — the site's settings, time zone and content files;
* ``article`` — read one article with the real Dateline reader and check it;
* ``new_article`` — ``invoke new``: a new explainer with a full header;
* ``entry_writer`` / ``entry_text`` — ``invoke entry``: append a dated entry;
* ``check`` / ``links`` — ``invoke check``: refusals and broken links;
* ``migrate`` / ``legacy_dates`` — ``invoke migrate``: legacy notes to entries;
* ``livereload`` / ``devserver`` — rebuild on change and reload the browser;
* ``publish`` / ``deploy`` / ``deploy_*`` — build, check, deploy a finished site.

Every module reports problems by raising ``ToolError``; ``tasks.py`` turns it
into clear ``file:line: message`` lines and a non-zero exit, never a traceback.
"""
