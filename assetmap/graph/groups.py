"""Community groups and associations: choirs, men's sheds, chapels, walking groups."""

from assetmap.graph.nodes import NodeRepository
from assetmap.model import Group

repo = NodeRepository(Group)
