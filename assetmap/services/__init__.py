"""Services: plain functions the web and the CLI call; they read through the graph layer,
compute with :mod:`assetmap.analysis`, and write back (DESIGN.md §2: web/cli -> services ->
graph -> backend)."""
