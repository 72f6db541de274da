"""``python -m assetmap.cli``."""

from assetmap.cli import main

main()
