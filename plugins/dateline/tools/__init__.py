"""Editor and deploy tools behind ``tasks.py``: one small module a job.

* ``project`` — the site's settings, time zone and content files;
* ``article`` — read one article with the real Dateline reader and check it;
* ``headers`` — the ``Title:``/``Slug:`` header of a file, read cheaply;
* ``atomic`` — write files whole or not at all;
* ``new_article`` — ``invoke new``: a new explainer with a full header;
* ``entry_writer`` / ``entry_text`` — ``invoke entry``: append a dated entry;
* ``check`` / ``links`` — ``invoke check``: refusals and broken links;
* ``migrate`` / ``legacy_dates`` / ``migrate_task`` — ``invoke migrate``;
* ``livereload`` / ``devserver`` — rebuild on change and reload the browser;
* ``publish`` / ``deploy`` / ``deploy_rsync`` / ``deploy_github`` /
  ``deploy_s3`` / ``content_types`` — build, check, deploy a finished site;
* ``progress`` — what long tasks show while they work;
* ``audit`` — reader-experience audits of a built site (``invoke audit``).

Every module reports problems by raising ``ToolError``; ``tasks.py`` turns it
into clear ``file:line: message`` lines and a non-zero exit, never a traceback.
"""
