"""schemathesis reads the OpenAPI document and sends the API requests made from it.

Every answer must be one the document describes (status, content type, headers, JSON
schema, no server error), and a request the document allows must not be refused. Skips when
schemathesis is not installed (it is in the ``test`` extra).
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from amif_search.web import create_app  # noqa: E402
from amif_search.web.openapi import openapi_document  # noqa: E402

# Requests per operation (GET, HEAD, OPTIONS of each path, under /api/v1 and under its old path).
EXAMPLES = 25
PATHS = sorted(openapi_document(max_query_length=500, languages=["sv"])["paths"])
# q of a search is a query language (fields, operators, phrases) that no JSON schema can
# describe: a query it allows may still not be understood (an unknown field 'w:', a lone
# operator), and that is a documented 400, not a failure. Every other check stays on there.
LANGUAGE_PARAMETERS = {"/api/v1/search", "/api/search"}


@pytest.fixture(scope="module")
def operations(collection):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(collection))
    found: dict = {}
    for result in schema.get_all_operations():
        found.setdefault(result.ok().path, []).append(result.ok())
    return found


@pytest.mark.parametrize("path", PATHS)
def test_the_api_answers_as_its_openapi_document_says(operations, path):
    if path not in operations:  # the document is read from /api/v1/openapi.json, which is not tested on itself
        assert path == "/api/v1/openapi.json" and "/api/openapi.json" in operations
        return
    excluded = [positive_data_acceptance] if path in LANGUAGE_PARAMETERS else []
    sent = []
    for operation in operations[path]:  # GET, HEAD and OPTIONS

        @given(operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            sent.append(case.call_and_validate(excluded_checks=excluded).status_code)

        check()
    assert len(sent) >= len(operations[path])
    TALLY[path] = len(sent)


TALLY: dict[str, int] = {}


def test_the_schemathesis_run_was_a_real_one():
    # Runs after the parametrised test in the same module (pytest keeps the file's order).
    if len(TALLY) < len(PATHS) - 1:
        pytest.skip("run with the whole module")
    assert sum(TALLY.values()) > 300
