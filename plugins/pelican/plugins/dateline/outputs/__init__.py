"""What readers and machines get: the model and write steps (``generator``),
the updates log, feeds, sitemap and JSON-LD, the Jinja filters, Dateline's
parts on story pages of any theme (``inject``) and the writer that adds them.
"""
