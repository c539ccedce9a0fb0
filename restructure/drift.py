"""Steps whose work was done by hand: "already done" when the tree matches the plan's
target, "drifted" when it matches neither the start nor the target.

A split whose source module is gone and whose package exists was done before the phase ran,
by the tool or by hand. The tool's own split leaves one module per group the plan names
(an empty group fails the split), so the package holding every named group is the plan's
target; a package without some of them was split another way, and the plan's later steps,
patch targets and documents would describe a tree that does not exist. That is a failure
with the difference listed, never a silent "already done".
"""

from __future__ import annotations

from typing import Any

from restructure.editset import VirtualTree
from restructure.operations import Scope
from restructure.report import ALREADY_DONE, DRIFTED, NOT_FOUND


def split_done_before(tree: VirtualTree, scope: Scope, args: dict[str, Any]) -> tuple[str, str]:
    """The outcome of a ``split`` step whose source module no longer exists."""
    src, into = scope.path(args["module"]), scope.path(args["into"])
    if not tree.is_dir(into):
        return NOT_FOUND, f"{src} does not exist"
    groups = [str(g) for g in (args.get("groups") or {})]
    missing = [g for g in groups if not tree.exists(f"{into}/{g}.py")]
    if not missing:
        return ALREADY_DONE, f"{args['into']} exists"
    held = sorted(p[len(into) + 1 :] for p in tree.under(into) if p.endswith(".py") and "/" not in p[len(into) + 1 :])
    return DRIFTED, (
        f"{into}/ exists without the plan's group module(s) {', '.join(f'{g}.py' for g in missing)} "
        f"(it holds {', '.join(held) or 'no module'}); split it by hand as the plan says, "
        f"or remove this step ({args['module']} into {args['into']}) from the plan"
    )
