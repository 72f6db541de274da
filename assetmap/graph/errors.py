"""Backend-neutral errors: callers never see a driver's own exception types."""


class StoreError(RuntimeError):
    """The graph database refused or failed a statement."""


class ConstraintViolation(StoreError):
    """A write would break a uniqueness rule (a duplicate ``id``)."""


class StoreUnavailable(StoreError):
    """The graph database cannot be reached."""
