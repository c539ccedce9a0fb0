"""The front end's client is generated from the committed ``openapi.json``.

The served paths must match it in order, and every operation must keep its tags.
"""

import json
import os

from services.payments_service.app.main import app

COMMITTED = os.path.join(os.path.dirname(__file__), '..', '..', 'openapi.json')


def load_committed() -> dict:
    with open(COMMITTED, encoding='utf-8') as handle:
        return json.load(handle)


def test_paths_are_served_in_the_committed_order():
    assert list(app.openapi()['paths']) == list(load_committed()['paths'])


def test_operations_keep_their_tags():
    served = app.openapi()['paths']
    for path, operations in load_committed()['paths'].items():
        for method, operation in operations.items():
            assert served[path][method].get('tags') == operation.get('tags'), (path, method)
