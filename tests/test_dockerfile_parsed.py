"""``dockerfile.parsed``: the cached parse the images use gives what ``parse`` gives with a
problems list, one row per kind of Dockerfile line; the problems are the caller's copy."""

from __future__ import annotations

import pytest

from restructure.text import dockerfile

ROWS = {
    "plain": "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD uvicorn main:app\n",
    "continuations and comments": 'FROM x\nRUN a \\\n  # inside\n  && b\nCMD ["uvicorn", "main:app"]\n',
    "a byte-order mark": "\ufeffFROM x\nCMD y\n",
    "before FROM and an unknown word": "ARG V=1\nCOPY a b\nFROM x\nFROB y\nCMD z\n",
    "empty": "",
}


@pytest.mark.parametrize("text", ROWS.values(), ids=ROWS.keys())
def test_parsed_is_parse_with_a_problems_list(text: str) -> None:
    problems: list[str] = []
    instructions = dockerfile.parse(text, "svc/Dockerfile", problems)
    assert dockerfile.parsed(text, "svc/Dockerfile") == (tuple(instructions), tuple(problems))
    assert dockerfile.parsed(text, "svc/Dockerfile") is dockerfile.parsed(text, "svc/Dockerfile")


def test_problems_name_the_path_they_were_parsed_for() -> None:
    text = ROWS["a byte-order mark"]
    assert dockerfile.parsed(text, "a/Dockerfile")[1] != dockerfile.parsed(text, "b/Dockerfile")[1]
