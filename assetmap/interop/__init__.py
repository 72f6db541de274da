"""Data in and out: backups (and, with the interop issue, HSDS, CSV, GraphML, GeoJSON)."""
