"""Incremental output: a page whose inputs did not change is linked from the last build.

``writer`` decides, page by page; ``fingerprint`` is what every page depends
on, ``state`` describes the values a page's template can reach and
``templates`` finds which those are.
"""
