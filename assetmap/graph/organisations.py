"""Organisations: the tenant boundary for personal data."""

from assetmap.graph.nodes import NodeRepository
from assetmap.model import Organisation

repo = NodeRepository(Organisation)
