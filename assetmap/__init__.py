"""assetmap: community asset and circles-of-support graph for Wales."""

__version__ = "0.1.0"


def create_app(config=None):  # noqa: ANN001, ANN201 - thin re-export for wsgi.py
    from assetmap.web import create_app as factory

    return factory(config)
