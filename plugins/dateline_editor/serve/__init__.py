"""``invoke livereload``: rebuild on every change and reload the open pages."""
