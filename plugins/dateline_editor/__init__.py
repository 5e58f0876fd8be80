"""Dateline's editor and deploy tools: what ``dateline`` and ``tasks.py`` run.

One package a task, on top of a few shared modules:

* ``project`` — the site's settings (its own ``pelicanconf.py`` or
  ``publishconf.py``), time zone and content files;
* ``build`` — all-or-nothing builds into ``output/``;
* ``article`` — one file read with the plugin's reader and checked like a build;
* ``new`` — a new explainer with a complete header;
* ``entry`` — append one dated entry (``writer``), its text from wherever
  the editor gives it (``text``);
* ``check`` — every refusal of the build, broken links and anchors;
* ``migrate`` — legacy free-text notes into entries;
* ``serve`` — rebuild on change and reload the browser;
* ``publish`` — build, check, deploy a finished site (rsync, GitHub Pages, S3);
* ``atomic``, ``headers``, ``progress``, ``errors`` — shared helpers.

It uses the plugin's public modules only (``pelican.plugins.dateline``:
``problems``, ``settings``, ``entries``, ``model``, ``refusal``), so a tool
accepts exactly what the build accepts. Every refusal is a ``ToolError``
holding ``Problem`` objects, printed as the build prints them.
"""
