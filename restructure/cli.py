"""What the Invoke tasks do, as plain functions: run phases, show status, check conventions.

Every error a user can hit becomes one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from restructure import conventions, engine, preflight
from restructure.gc_tuning import fewer_collections
from restructure.gitrepo import GitError, GitRepo
from restructure.net_changes import NotComposable
from restructure.plan import Plan, PlanError, load_plan


class UserError(RuntimeError):
    """An error to show the user as one line."""


def _one_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def run_phases(
    repo: str,
    numbers: Iterable[int],
    plan: str | None,
    dry_run: bool,
    commit: bool,
    allow_dirty: bool,
    keep_going: bool = False,
    process_ends: bool = False,
) -> None:
    """Run phases in order; the first failing phase stops the run unless ``keep_going``.
    ``process_ends``: the caller exits right after (see :func:`fewer_collections`).

    Several phases are pre-flighted first (:mod:`restructure.preflight`): every problem of
    every phase is listed and nothing is written unless all of them pass. ``keep_going``
    skips the pre-flight (the user asked for what can run to run); a dry run of several
    phases is the pre-flight plus its diff. Either way the error names every phase that
    failed and every phase that did not run.
    """
    with fewer_collections(process_ends=process_ends):
        _run_phases(repo, list(numbers), plan, dry_run, commit, allow_dirty, keep_going)


def _run_phases(
    repo: str, numbers: list[int], plan: str | None, dry_run: bool, commit: bool, allow_dirty: bool, keep_going: bool
) -> None:
    failed: list[str] = []
    try:
        loaded = load_plan(plan)
        for number in numbers:
            loaded.phase(number)
        if not dry_run and not allow_dirty:
            GitRepo.open(repo).require_clean()
        checks: dict[int, preflight.PhaseCheck] = {}
        together = not commit and not allow_dirty
        if len(numbers) > 1 and (dry_run or not keep_going):
            checks = {c.number: c for c in _preflight(repo, numbers, loaded, dry_run, together).phases}
            if dry_run:
                return
        # a dirty tree was committed as the scratch copy's baseline: its trees are not ours
        replay = bool(checks) and not allow_dirty
        if replay and together and _write_together(repo, numbers, checks):
            return
        for index, number in enumerate(numbers):
            # after the first phase the tree holds our own uncommitted changes
            dirty_ok = allow_dirty or (index > 0 and not commit)
            try:
                check = checks.get(number) if replay else None
                if check is not None and check.report is not None:
                    seconds = check.report.seconds
                    engine.apply_prepared(repo, check.report, check.changes, commit, seconds=seconds)
                    if check.tree:  # recorded for every phase, or (written together) for the last only
                        replay = _same_tree(repo, check.tree, number, commit)
                else:
                    engine.run_phase(repo, number, dry_run=dry_run, commit=commit, allow_dirty=dirty_ok, plan=loaded)
            except KeyboardInterrupt as exc:
                raise UserError(f"interrupted: phase {number} wrote nothing, the work tree is as it was") from exc
            except engine.PhaseError as exc:
                failed.append(_one_line(exc))
                if not keep_going:
                    rest = numbers[index + 1 :]
                    not_run = f"; not run: phase {', '.join(map(str, rest))}" if rest else ""
                    raise UserError(failed[0] + not_run) from exc
    except (PlanError, GitError) as exc:
        raise UserError(_one_line(exc)) from exc
    if failed:
        raise UserError(f"{len(failed)} phase(s) failed: " + " | ".join(failed))


def _write_together(repo: str, numbers: list[int], checks: dict[int, preflight.PhaseCheck]) -> bool:
    """Without commits only the end result is ever seen: the phases the pre-flight passed are
    written as one transaction (:func:`engine.apply_prepared_together`), then the tree is
    checked against the pre-flight's after the last of them. False, with nothing written, when
    the phases move files in a cycle (:class:`~restructure.net_changes.NotComposable`): they are
    written one by one then."""
    prepared = [(checks[n].report, checks[n].changes) for n in numbers]
    if any(report is None for report, _ in prepared):  # the pre-flight passed: each phase has its report
        raise UserError(f"pre-flight: a phase of {', '.join(map(str, numbers))} has no report; nothing written")
    target = GitRepo.open(repo)
    try:
        engine.apply_prepared_together(repo, prepared, target.tracked_files())  # type: ignore[arg-type]
    except NotComposable as exc:
        print(f"note: {exc}: the phases are written one by one")
        return False
    except KeyboardInterrupt as exc:
        raise UserError("interrupted: nothing was written, the work tree is as it was") from exc
    except (engine.PhaseError, GitError) as exc:
        raise UserError(f"writing phase {', '.join(map(str, numbers))}: {_one_line(exc)}") from exc
    if target.tree_id(committed=False) != checks[numbers[-1]].tree:
        print(
            f"note: after phase {numbers[-1]} the staged tree differs from the pre-flight's (a content filter or "
            "line-ending setting of this repository's own git config?); git diff --cached shows what is staged"
        )
    return True


def _same_tree(repo: str, expected: str, number: int, committed: bool) -> bool:
    """Whether the target holds, after phase ``number``, the tree the pre-flight had after it
    (its HEAD when the phase committed, else its index); when not, the later phases are
    planned again here."""
    now = GitRepo.open(repo).tree_id(committed)
    if now != expected:
        print(
            f"note: after phase {number} the tree differs from the pre-flight's (a commit hook changed a file?): "
            "the later phases are planned again on it"
        )
    return now == expected


def _preflight(repo: str, numbers: list[int], plan: Plan, dry_run: bool, together: bool) -> preflight.Preflight:
    """Refuse before the first write when any phase would fail; a dry run also prints every
    phase's report and the diff of the whole run. The passing pre-flight is returned: its
    phases' changes are written on the target as they are (``together``: as one transaction,
    checked against the tree after the last phase only)."""
    every_tree = not together and not dry_run  # a dry run writes nothing: no tree to check
    echo = print if dry_run else None
    result = preflight.run(repo, numbers, plan, with_diff=dry_run, echo=echo, every_tree=every_tree)
    if dry_run:
        print(result.diff if result.diff else "(no changes)")
    print(result.to_text())
    if result.failed:
        phases = ", ".join(str(p.number) for p in result.failed)
        raise UserError(
            f"pre-flight: {result.problem_count} problem(s) in phase {phases} (listed above); nothing written; "
            f"not run: phase {', '.join(map(str, numbers))}"
        )
    return result


def explain(repo: str, number: int, plan: str | None, symbol: str, echo: Callable[[str], None] = print) -> int:
    """Run phase ``number`` in memory (nothing written) and print where ``symbol`` goes and why.

    Returns how many placements matched; none is a user error naming the phase's splits.
    """
    try:
        loaded = load_plan(plan)
        try:
            with fewer_collections():
                report = engine.run_phase(repo, number, dry_run=True, echo=lambda _text: None, plan=loaded)
        except engine.PhaseFailed as exc:
            report = exc.report
    except (PlanError, GitError, engine.PhaseError) as exc:
        raise UserError(_one_line(exc)) from exc
    found = 0
    for key, lines in report.evidence.items():
        label = key.rsplit(": ", 1)[-1]
        if symbol in {n.strip() for n in label.split(",")} or key.endswith(f".{symbol}"):
            found += 1
            echo(f"{key.rsplit(': ', 1)[0]}: {lines[0]}")
            echo("\n".join(f"    {line}" for line in lines[1:]) or "    (no further evidence)")
    if not found:
        raise UserError(f"phase {number}: no split of the phase places {symbol!r}; check the name and the phase number")
    return found


def all_phase_numbers(plan: str | None) -> list[int]:
    try:
        return list(load_plan(plan).phases)
    except PlanError as exc:
        raise UserError(_one_line(exc)) from exc


def default_titles() -> dict[int, str]:
    """Phase titles of the shipped plan, for ``invoke --list``."""
    try:
        return {n: p.title for n, p in load_plan().phases.items()}
    except PlanError:
        return {}


def print_status(repo: str, plan: str | None) -> None:
    try:
        rows = engine.status(repo, plan)
    except (PlanError, GitError) as exc:
        raise UserError(_one_line(exc)) from exc
    current = None
    for row in rows:
        if row.phase != current:
            current = row.phase
            print(f"phase {row.phase}")
        print(f"  {row.service:<16} {row.state}")


def check_conventions(repo: str) -> int:
    path = Path(repo).resolve()
    if not path.is_dir():
        raise UserError(f"{path}: not a directory; pass --repo PATH")
    violations = conventions.check_repo(path)
    for violation in violations:
        print(violation)
    print(f"{len(violations)} convention violation(s)" if violations else "conventions: all rules hold")
    return 1 if violations else 0


def propose_plan(repo: str, service: str, output: str | None, plan: str | None) -> Path | None:
    """Write a proposed plan for ``service``; returns the file written (None: printed, ``-o -``)."""
    from restructure.proposal import ProposalError, write_proposal

    try:
        return write_proposal(Path(repo).resolve(), service, Path(output) if output else None,
                              Path(plan) if plan else None)  # fmt: skip
    except (ProposalError, PlanError) as exc:
        raise UserError(_one_line(exc)) from exc


def fail(exc: UserError) -> None:
    print(f"error: {exc}", file=sys.stderr)


def check_references(repo: str, against: str, services_dir: str = "services") -> int:
    """``invoke check-references``: the work tree against ``against``; one line per broken reference."""
    from restructure import check_references as checker

    path = Path(repo).resolve()
    try:
        GitRepo.open(path)
        result = checker.check_repository(path, against, services_dir)
    except (GitError, ValueError) as exc:
        raise UserError(_one_line(exc)) from exc
    for problem in result.problems:
        print(f"note: {problem}")
    for line in result.lines():
        print(line)
    print(
        f"{result.checked} reference(s) to the repository's own code checked in {against}, "
        f"{result.broken_before} already broken there; {len(result.broken)} broken since"
    )
    return 1 if result.broken else 0


def print_roots(repo: str, plan: str | None) -> None:
    """``invoke status --roots``: the import roots inferred for every service, with the evidence."""
    from restructure import roots, trees

    try:
        loaded = load_plan(plan)
        git = GitRepo.open(repo)
    except (PlanError, GitError) as exc:
        raise UserError(_one_line(exc)) from exc
    tree = trees.from_disk(git.root, git.tracked_files())
    for line in roots.describe(roots.infer(tree, loaded.services_dir)):
        print(line)
