"""Schemathesis against our own OpenAPI document: generated requests to every operation
(bounded; valid and deliberately invalid ones), as a connector of the sample community.
No 5xx, and every 4xx in the JSON error shape."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from assetmap import accounts
from assetmap.graph.store import GraphStore

pytestmark = pytest.mark.slow

EXAMPLES = 25


def _fuzz(app, bearer: dict[str, str], only: str = "") -> tuple[int, int]:  # noqa: ANN001
    """Generated requests (valid and invalid) to every operation whose path starts with
    ``only``: none may be a 5xx, every 4xx in the JSON error shape. Returns how many
    operations and requests."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    sent: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()
                  if result.ok().path.startswith(only)]

    for operation, mode in itertools.product(operations, GenerationMode):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers(case) -> None:  # noqa: ANN001
            response = case.call(headers=bearer)
            sent.append(f"{case.method} {case.path}")
            assert response.status_code < 500, (case.method, case.formatted_path, case.query,
                                                case.body, response.text[:300])
            if 400 <= response.status_code < 500:
                body = response.json()
                assert set(body) == {"errors"} and body["errors"], body
                assert all(set(e) == {"field", "message"} for e in body["errors"]), body

        try:
            answers()
        except Unsatisfiable:
            # an operation with no inputs has no invalid request to make
            assert mode is GenerationMode.NEGATIVE, operation.label
    return len(operations), len(sent)


def test_every_operation_answers_generated_requests(app, sample_store: GraphStore) -> None:  # noqa: ANN001
    accounts.create_user(sample_store, "fuzz@example.cymru", "connector", "org-carers")
    bearer = {"Authorization":
              f"Bearer {accounts.create_token(sample_store, 'fuzz@example.cymru')[1]}"}
    operations, sent = _fuzz(app, bearer)
    print(f"\nfuzz: {sent} generated requests to {operations} API operations")
    assert operations >= 30 and sent >= 5 * operations


def test_a_providers_operations_answer_generated_requests(app, sample_store: GraphStore) -> None:  # noqa: ANN001
    """The same, as a provider (who looks after the first place and group), on the
    provider's own operations: generated ids, fields and dates."""
    from tests.conftest import provider_account

    provider_account(sample_store, "fuzz.provider@example.cymru")
    bearer = {"Authorization": "Bearer "
              f"{accounts.create_token(sample_store, 'fuzz.provider@example.cymru')[1]}"}
    operations, sent = _fuzz(app, bearer, only="/api/v1/provider")
    print(f"\nfuzz as a provider: {sent} requests to {operations} operations")
    assert operations == 7 and sent >= 5 * operations
