"""Analysis: isolation (LSNS-6), circles and fragility, carer risk, suggestions, hotspots.

Pure functions on plain Python data and graphs (NetworkX / igraph); no Flask, no database
driver. The graph layer reads what these need and writes back what they return.
"""
