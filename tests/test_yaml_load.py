"""libyaml's parser against the pure-Python one, on the kinds of YAML the tool reads.

``restructure.text.yaml_load`` parses with libyaml and lets the pure-Python loader decide
whatever libyaml refuses: each row must give the same data, the same recorded lines and the
same error (message and line) as the pure-Python loader alone."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from restructure import images, plan
from restructure.text import validate
from restructure.text.yaml_load import SAFE, Loaders

DOCUMENTS = [
    ("compose services", "services:\n  api:\n    build: ./services/a\n    command: uvicorn app.main:app\n"),
    ("anchors and merge keys", "x-base: &base\n  restart: always\nservices:\n  a:\n    <<: *base\n    image: a\n"),
    ("flow style", "services: {a: {build: {context: ., dockerfile: D}, ports: ['8000:8000']}}\n"),
    ("block scalars", "cmd: |\n  line one\n  line two\nfolded: >-\n  a\n  b\n"),
    ("comments and blank lines", "# head\n\na: 1  # trailing\n\n# between\nb: [1, 2]\n"),
    ("implicit types", "a: yes\nb: 0o17\nc: 1e3\nd: 2026-12-07\ne: ~\nf: '08'\ng: 0x1F\n"),
    ("non-ASCII", "name: café ✓\nlist:\n  - ü\n"),
    ("multi-line flow sequence", "command: [\n  uvicorn,\n  'app.main:app',\n]\n"),
    ("empty document", ""),
    ("only a comment", "# nothing\n"),
    ("scalar document", "just text\n"),
    ("windows line ends", "a: 1\r\nb:\r\n  - x\r\n"),
    ("nested sequences of mappings", 'steps:\n  - op: move\n    from: a\n  - {op: note, text: "x: y"}\n'),
]

BROKEN = [
    ("unclosed flow list", "steps: [op: move\n"),
    ("tab indentation", "a:\n\t- b\n"),
    ("unclosed quote", 'a: "unterminated\n'),
    ("bad indentation", "a:\n  b: 1\n c: 2\n"),
    ("unknown tag", "a: !custom 1\n"),
    ("undefined alias", "a: *nowhere\n"),
    ("duplicate anchor use before definition", "a: *x\nb: &x 1\n"),
]

MULTI = [
    ("two documents", "a: 1\n---\nb: 2\n"),
    ("document end markers", "a: 1\n...\n---\nb: [1]\n...\n"),
]


def _lines(data: Any) -> Any:
    """The data with every line the constructors recorded, for comparison."""
    if isinstance(data, dict):
        recorded = {k: getattr(data, k) for k in ("lines", "line", "key_lines") if hasattr(data, k)}
        return ({k: _lines(v) for k, v in data.items()}, recorded)
    if isinstance(data, list):
        return ([_lines(v) for v in data], getattr(data, "item_lines", None))
    return data


def _outcome(load: Any, text: str) -> Any:
    try:
        return ("ok", _lines(load(text)))
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))


def _nodes(node: Any) -> Any:
    if node is None:
        return None
    value = node.value
    if isinstance(value, list):
        value = [tuple(_nodes(n) for n in item) if isinstance(item, tuple) else _nodes(item) for item in value]
    return (type(node).__name__, node.tag, value, node.start_mark.line, node.start_mark.column)


def test_the_fast_parser_is_libyaml_when_pyyaml_has_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml: both loaders are the pure-Python one")
    assert issubclass(SAFE.fast, yaml.CSafeLoader)
    assert not issubclass(SAFE.slow, yaml.CSafeLoader)


LOADERS = {
    "safe": SAFE,
    "compose (key lines)": images._LOADERS,
    "plan (key and item lines, duplicate keys refused)": plan._LINE_LOADERS,
}


@pytest.mark.parametrize("loaders", LOADERS.values(), ids=LOADERS.keys())
@pytest.mark.parametrize(("label", "text"), DOCUMENTS + BROKEN, ids=[r[0] for r in DOCUMENTS + BROKEN])
def test_same_data_lines_and_errors_as_the_pure_python_loader(loaders: Loaders, label: str, text: str) -> None:
    expected = _outcome(lambda t: yaml.load(t, Loader=loaders.slow), text)
    assert _outcome(loaders.load, text) == expected
    assert _outcome(lambda t: yaml.load(t, Loader=loaders.fast), text)[0] == expected[0], label


@pytest.mark.parametrize(("label", "text"), DOCUMENTS + BROKEN + MULTI, ids=[r[0] for r in DOCUMENTS + BROKEN + MULTI])
def test_documents_and_nodes_as_the_pure_python_loader(label: str, text: str) -> None:
    def slow_all(t: str) -> list[Any]:
        return list(yaml.load_all(t, Loader=SAFE.slow))

    assert _outcome(SAFE.load_all, text) == _outcome(slow_all, text)
    assert _outcome(lambda t: _nodes(SAFE.compose(t)), text) == _outcome(
        lambda t: _nodes(yaml.compose(t, Loader=SAFE.slow)), text
    )


def test_duplicate_plan_key_names_both_lines() -> None:
    text = "a: 1\nb: 2\na: 3\n"
    with pytest.raises(yaml.YAMLError, match="duplicate key 'a' \\(first on line 1\\)"):
        plan._LINE_LOADERS.load(text)


@pytest.mark.parametrize(("label", "text"), BROKEN, ids=[r[0] for r in BROKEN])
def test_a_written_yaml_file_that_does_not_parse_is_refused_with_the_pure_python_message(label: str, text: str) -> None:
    try:
        list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
    else:
        pytest.skip("the pure-Python loader reads it")
    with pytest.raises(validate.InvalidResult) as raised:
        validate.check("conf/settings.yaml", text)
    assert str(problem) in str(raised.value)
