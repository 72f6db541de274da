"""Community groups and associations: choirs, men's sheds, chapels, walking groups."""

from assetmap.graph.nodes import RECORDED_BY, NodeRepository
from assetmap.model import Group

repo = NodeRepository(Group, links={"recorded_by_id": RECORDED_BY})
