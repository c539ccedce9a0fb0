"""The committed ``openapi.json`` is what the front end's client is generated from.

The paths must be the ones the app serves, in the same order (the generated client's
method order follows it, and the committee reviews its diff).
"""

import json
import pkgutil

from services.plots_service.app.main import create_app


def committed_openapi() -> dict:
    data = pkgutil.get_data('services.plots_service', 'openapi.json')
    assert data is not None, 'services/plots_service/openapi.json is missing'
    return json.loads(data.decode('utf-8'))


def test_paths_match_the_committed_document():
    served = list(create_app().openapi()['paths'])
    assert served == list(committed_openapi()['paths'])


def test_tags_match_the_committed_document():
    served = create_app().openapi()
    committed = committed_openapi()
    for path, operations in committed['paths'].items():
        for method, operation in operations.items():
            tags = served['paths'][path][method].get('tags')
            assert tags == operation.get('tags'), (path, method)
