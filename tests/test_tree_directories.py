"""Directories of a set of paths: the string cut gives ``posixpath.dirname``'s answer, one row
per path shape."""

from __future__ import annotations

import posixpath

import pytest

from restructure.trees import _parent, directories

SHAPES = ["a", "a/b", "a/b/c.py", "/a", "/a/b", "a//b", "a//b//c", "", "/", "//a", "a/", "x/y/", "a/./b"]


@pytest.mark.parametrize("path", SHAPES)
def test_parent_is_dirname(path: str) -> None:
    assert _parent(path) == posixpath.dirname(path)


def test_directories_of_a_tree() -> None:
    assert directories(["svc/app/main.py", "svc/Dockerfile", "top.py"]) == {"", "svc", "svc/app"}
