"""Re-parse a file's new text by its type before anything is written.

Python is parsed (the run's shared ``ast`` parse) and compiled; YAML, TOML, INI, JSON and Dockerfiles with
their parsers; shell scripts with ``bash -n``. Markdown has no parser that could fail.
"""

from __future__ import annotations

import configparser
import json
import shutil
import subprocess
import tomllib
from pathlib import PurePosixPath

import yaml

from restructure.python import syntax
from restructure.text import dockerfile
from restructure.text.yaml_load import SAFE


class InvalidResult(ValueError):
    """The new text of a file does not parse; one line naming the file and the reason."""


def file_kind(path: str) -> str:
    name = PurePosixPath(path).name
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".py":
        return "python"
    if suffix in {".yml", ".yaml"}:
        return "compose" if name.startswith("docker-compose") or name.startswith("compose") else "yaml"
    if name == "Dockerfile" or name.startswith("Dockerfile.") or suffix == ".dockerfile":
        return "dockerfile"
    if suffix in {".sh", ".bash"}:
        return "shell"
    if suffix == ".toml":
        return "toml"
    if suffix in {".ini", ".cfg"}:
        return "ini"
    if suffix == ".json":
        return "json"
    if suffix in {".md", ".rst", ".txt"}:
        return "docs"
    return "text"


def check(path: str, text: str) -> None:
    """Raise :class:`InvalidResult` when ``text`` is not valid for the type of ``path``."""
    kind = file_kind(path)
    try:
        if kind == "python":
            # the tree is the run's shared parse of the text (later steps and phases read it);
            # compiling it finds what the compiler refuses beyond the grammar (a misplaced
            # ``from __future__``, ``return`` outside a function) as compiling the text would
            compile(syntax.parse(text), path, "exec", dont_inherit=True)
        elif kind in {"yaml", "compose"}:
            documents = SAFE.load_all(text)
            if kind == "compose" and documents and not isinstance(documents[0], dict):
                raise InvalidResult(f"{path}: a compose file must be a mapping")
        elif kind == "dockerfile":
            dockerfile.parse(text, path)
        elif kind == "toml":
            tomllib.loads(text)
        elif kind == "ini":
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(text, source=path)
        elif kind == "json":
            json.loads(text)
        elif kind == "shell" and shutil.which("bash"):
            result = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
            if result.returncode != 0:
                raise InvalidResult(f"{path}: shell syntax error: {result.stderr.strip().splitlines()[-1]}")
    except InvalidResult:
        raise
    except SyntaxError as exc:
        raise InvalidResult(f"{path}:{exc.lineno}: Python syntax error: {exc.msg}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise InvalidResult(f"{path}{line}: YAML does not parse: {getattr(exc, 'problem', exc)}") from exc
    except dockerfile.DockerfileError as exc:
        raise InvalidResult(str(exc)) from exc
    except (tomllib.TOMLDecodeError, configparser.Error, json.JSONDecodeError) as exc:
        raise InvalidResult(f"{path}: does not parse as {kind}: {str(exc).splitlines()[0]}") from exc
