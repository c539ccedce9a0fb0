"""Which target module each top-level statement of a split module goes to, inferred from the code.

A plan names the target modules of a split (``member``, ``coach_profile``, ``enums``; for a
router ``programs``, ``cohorts``); it does not have to name a single symbol. Every statement is
placed by the first rule that settles it, in this order:

1. **override**: the plan lists the symbol (``symbols:``, a group's member list) or gives a
   hint that matches it (``prefixes:``, ``paths:``, ``routers:``);
2. **enum**: an enum class goes to the ``enums`` target when the plan has one;
3. **route**: a route function goes to the target its router object is named after
   (``invoice_router`` -> ``invoices``);
4. **section**: a class, route or public name under a section heading of the module
   (``# --- Coach dashboard ---``, ``# Inventory =====``) that names exactly one target goes
   there: the author grouped the code already; a heading that names no target ends the
   section before it; a route whose path opens with a namespace naming another target in
   full (``/internal/...``) follows its path instead;
5. **route path**: a route function goes to the target its path names, deepest segment
   first (``/cohorts/{id}/enrollments`` -> ``enrollments``);
6. **affinity**: a name that contains a target's words goes there (CamelCase and
   snake_case split into words, plurals and ``-ing`` forms folded: ``CoachProfileStatus`` and
   ``coach_profiles`` -> ``coach_profile``); the earliest, then longest, match wins;
7. **related**: a model class joined by relationships or foreign keys to entities of one
   target only goes with them;
8. **reference graph**: a helper read by one target goes there; one read by several goes to
   the plan's shared-helpers module (or, without one, to the target that reads it most);
9. **fallback**: what nothing settles goes to the target named after the service, or to
   the target its code reads most; such a placement is marked ambiguous.

The order and every tie-break are fixed, so the same code and plan always give the same
placement, and every decision carries a one-line reason and the evidence behind it
(``invoke phaseN --explain SYMBOL``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from restructure.python.routes import Route, RouterObject
from restructure.python.symbols import Statement, is_enum_class

ENUMS = "enums"
ROUTER_WORDS = {"router", "routes", "route", "api"}  # a router variable's generic words
_TITLE_FILLERS = {"and", "the", "of", "for", "a", "an", "to", "by", "with", "in", "on", "only", "other"}

# a decorated comment line: ``# --- Title ---``, ``# ==== Title``, ``# Title -----``
_HEADING = re.compile(
    r"^#\s*(?:[-=#*~]{3,}\s*(?P<a>[A-Za-z][^-=#*~]*?)\s*[-=#*~]*|(?P<b>[A-Za-z][^-=#*~]*?)\s*[-=#*~]{3,})\s*$"
)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")


def stem(word: str) -> str:
    """``programs`` / ``program``, ``scoring`` / ``score``, ``entries`` / ``entry`` fold together."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


NOUN_SUFFIXES = ("ment", "ation", "ion", "er", "or")


def same_word(a: str, b: str) -> bool:
    """Two stems name the same thing: equal, or one is the other plus a noun suffix
    (``enroll`` / ``enrollment``, ``publish`` / ``publisher``)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and long.startswith(short) and long[len(short) :] in NOUN_SUFFIXES


def words(name: str) -> tuple[str, ...]:
    """The stemmed words of a CamelCase, snake_case or kebab-case name (or path segment)."""
    out: list[str] = []
    for part in re.split(r"[_\-./\s]+", name):
        out.extend(stem(w) for w in _CAMEL.findall(part))
    return tuple(w for w in out if w)


@dataclass(frozen=True)
class Match:
    """How well a target's words occur in a name's words: in order, all of them or some."""

    full: bool
    matched: int
    position: int  # index of the first matched word in the name

    def key(self) -> tuple[int, int, int]:
        return (int(self.full), self.matched, -self.position)


def match(name_words: Sequence[str], target_words: Sequence[str]) -> Match | None:
    """The target's words as a contiguous run of the name's words (full), else the longest
    in-order subsequence of them that starts at the target's first word (partial)."""
    n, t = len(name_words), len(target_words)
    if not t:
        return None
    for i in range(n - t + 1):
        if all(same_word(a, b) for a, b in zip(name_words[i : i + t], target_words, strict=True)):
            return Match(True, t, i)
    best: Match | None = None
    for i, word in enumerate(name_words):
        if not same_word(word, target_words[0]):
            continue
        matched, k = 1, 1
        for later in name_words[i + 1 :]:
            if k < t and same_word(later, target_words[k]):
                matched, k = matched + 1, k + 1
        candidate = Match(matched == t, matched, i)
        if best is None or candidate.key() > best.key():
            best = candidate
    return best


def section_title(comment: str) -> str | None:
    """The title of a section-heading comment line, or None for an ordinary comment."""
    found = _HEADING.match(comment.strip())
    if found is None:
        return None
    return (found["a"] or found["b"] or "").strip() or None


def sections(units: Sequence[Statement]) -> dict[int, str]:
    """Statement index -> the title of the section heading it sits under (the last heading
    among the comment lines above it or above an earlier statement)."""
    current: str | None = None
    out: dict[int, str] = {}
    for st in units:
        for line in getattr(st.node, "leading_lines", ()):
            if line.comment is not None:
                title = section_title(line.comment.value)
                if title is not None:
                    current = title
        if current is not None:
            out[st.index] = current
    return out


@dataclass(frozen=True)
class Decision:
    """Where one statement went and why (one line), with the evidence ``--explain`` prints."""

    label: str
    group: str
    rule: str  # override | enum | router | section | route | affinity | related | used | shared | fallback
    reason: str
    evidence: tuple[str, ...] = ()
    ambiguous: bool = False

    @property
    def inferred(self) -> bool:
        return self.rule != "override"

    def line(self) -> str:
        flag = " [ambiguous]" if self.ambiguous else ""
        return f"{self.label} -> {self.group}.py: {self.reason}{flag}"


@dataclass
class Hints:
    """What a plan says about one target (all optional)."""

    symbols: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    routers: list[str] = field(default_factory=list)


@dataclass
class Targets:
    """The target modules of one split, in plan order, with the plan's rules about them."""

    names: list[str]
    hints: dict[str, Hints] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # symbol -> target (step ``symbols:``)
    enums: str | None = None  # the target enum classes go to
    helpers: str | None = None  # the shared-helpers module
    default: str | None = None  # the target for what nothing settles (plan ``fallback:``)
    service: str | None = None  # the service's short name (a target named after it is the default)
    patched: set[str] = field(default_factory=set)  # names of the module the repository's tests patch
    entities: dict[str, str] = field(default_factory=dict)  # model class -> the target its models file is named

    def words(self, name: str) -> tuple[str, ...]:
        return words(name)

    def candidates(self) -> list[str]:
        """Targets that can attract names (the shared-helpers module and enums do not)."""
        return [n for n in self.names if n not in {self.helpers, self.enums}]

    def default_target(self) -> str | None:
        if self.default and self.default != "most-referenced":
            return self.default
        if self.service:
            service = words(self.service)
            for name in self.candidates():
                found = match(words(name), service)
                if found and found.full:
                    return name
        return None


def _path_match(pattern: str, path: str) -> int:
    """Segments matched when ``pattern`` (``*`` = one segment) is a prefix of ``path``; 0 if not."""
    pat = [s for s in pattern.strip("/").split("/") if s]
    segs = [s for s in path.strip("/").split("/") if s]
    if len(pat) > len(segs):
        return 0
    for p, s in zip(pat, segs, strict=False):
        if p != "*" and p != s:
            return 0
    return len(pat)


def path_words(path: str) -> list[tuple[int, str]]:
    """(segment index, word) of every word of the literal segments of a route path."""
    segments = [s for s in path.strip("/").split("/") if s]
    return [(i, w) for i, s in enumerate(segments) if not s.startswith("{") for w in words(s)]


@dataclass(frozen=True)
class PathMatch:
    """The target a route path names, how, and the other targets it named as well."""

    target: str
    full: bool  # the segment holds all the target's words
    segment: str
    namespace: bool  # a segment followed by another literal one (``/internal/...``, ``/admin/...``)
    tied: tuple[str, ...] = ()


def _segment_score(segment: tuple[str, ...], target: tuple[str, ...]) -> tuple[int, int] | None:
    hits = [w for w in target if any(same_word(w, s) for s in segment)]
    if not hits:
        return None
    it = iter(segment)
    return int(all(any(same_word(w, s) for s in it) for w in target)), len(hits)


def path_affinity(path: str, candidates: Sequence[str]) -> PathMatch | None:
    """The target a route path names.

    A literal segment followed by another literal one is a namespace (``/internal/members``,
    ``/coach/cohorts``): the one target it names decides; when it names several equally
    (``/coaches/...`` and three ``coach_*`` targets) the deeper segments choose among them.
    Otherwise the deepest resource segment (one followed by a parameter, or the last) that
    names a target decides (``/cohorts/{id}/enrollments`` -> ``enrollments``).
    """
    segments = [s for s in path.strip("/").split("/") if s]
    pool = list(candidates)
    narrowed: list[str] = []
    resource: PathMatch | None = None
    resource_key: tuple[int, int] = (-1, -1)
    for index, segment in enumerate(segments):
        if segment.startswith("{"):
            continue
        seg_words = words(segment)
        scored = sorted(
            ((score, -order, target) for order, target in enumerate(pool)
             if (score := _segment_score(seg_words, words(target))) is not None),
            reverse=True,
        )  # fmt: skip
        if not scored:
            continue
        top = scored[0][0]
        tops = [t for score, _, t in scored if score == top]
        following = segments[index + 1] if index + 1 < len(segments) else None
        if following is not None and not following.startswith("{"):
            if len(tops) == 1:
                return PathMatch(tops[0], bool(top[0]), segment, True)
            pool, narrowed = tops, tops
            continue
        key = (top[0], index)
        if key > resource_key:
            resource_key = key
            resource = PathMatch(tops[0], bool(top[0]), segment, False, tuple(tops[1:]))
    if resource is not None:
        return resource
    if narrowed:
        return PathMatch(narrowed[0], False, "", True, tuple(narrowed[1:]))
    return None


class Placer:
    """Places every unit of a split module; :attr:`group_of` and :attr:`decisions` are the result."""

    def __init__(
        self,
        units: list[Statement],
        definer: dict[str, int],
        routes: dict[int, list[Route]],
        routers: dict[str, RouterObject],
        targets: Targets,
        headings: dict[int, str] | None = None,
    ) -> None:
        """``headings``: statement index -> section title (:func:`sections` of every top-level
        statement, imports included: a heading often sits above a mid-module import)."""
        self.units = units
        self.definer = definer
        self.routes = routes
        self.routers = routers
        self.targets = targets
        self.group_of: dict[int, str] = {}
        self.decisions: list[Decision] = []
        self.by_index = {st.index: st for st in units}
        self._tables: dict[str, int] = {}
        self._sections = sections(units) if headings is None else headings
        for st in units:
            if isinstance(st.node, cst.ClassDef):
                for table in st.tables:
                    self._tables.setdefault(table, st.index)

    # ------------------------------------------------------------------ driver
    def place(self) -> None:
        names = {name: st for st in self.units for name in st.defines}
        self._overrides(names)
        for st in self.units:
            if st.index in self.group_of:
                continue
            decision = (
                self._enum(st)
                or self._route_router(st)
                or self._section_or_path(st)
                or self._affinity(st)
                or self._entity(st)
            )
            if decision:
                self._set(st, decision)
        self._related()
        self._propagate()
        self._close_shared()

    def _set(self, st: Statement, decision: Decision) -> None:
        self.group_of[st.index] = decision.group
        self.decisions.append(decision)

    @staticmethod
    def label(st: Statement) -> str:
        return st.name or ", ".join(st.defines) or f"statement at line {st.line}"

    # ------------------------------------------------------------------ 1. overrides
    def _overrides(self, names: dict[str, Statement]) -> None:
        listed: list[tuple[str, str, str]] = [
            (symbol, group, f"listed under {group!r} in the plan")
            for group, hints in self.targets.hints.items()
            for symbol in hints.symbols
        ]
        listed += [(s, g, "placed by the plan's symbols:") for s, g in self.targets.overrides.items()]
        for symbol, group, reason in listed:
            if symbol not in names:
                raise PlacementError(f"symbol {symbol!r} of group {group!r} is not defined in the module")
            st = names[symbol]
            self._set(st, Decision(self.label(st), group, "override", reason))
        for st in self.units:
            if st.index in self.group_of:
                continue
            name = st.name
            if name:
                best = max(
                    ((len(p), g, p) for g, h in self.targets.hints.items() for p in h.prefixes if name.startswith(p)),
                    default=None,
                )
                if best:
                    reason = f"name starts with the plan's prefix {best[2]!r}"
                    self._set(st, Decision(self.label(st), best[1], "override", reason))
                    continue
            routes = self.routes.get(st.index)
            if routes:
                hinted = self._hinted_route(routes)
                if hinted:
                    self._set(st, Decision(self.label(st), hinted[0], "override", hinted[1]))

    def _hinted_route(self, routes: list[Route]) -> tuple[str, str] | None:
        best: tuple[int, int, str, str] | None = None
        for order, (group, hints) in enumerate(self.targets.hints.items()):
            for route in routes:
                if route.router in hints.routers:
                    return group, f"its router {route.router} is listed under {group!r} in the plan"
                local = self.routers[route.router].prefix + route.path
                for pattern in hints.paths:
                    score = max(_path_match(pattern, local), _path_match(pattern, route.path))
                    if score and (best is None or (score, -order) > (best[0], best[1])):
                        best = (score, -order, group, f"path {local} matches the plan's {pattern!r}")
        return (best[2], best[3]) if best else None

    # ------------------------------------------------------------------ 2. enums
    def _enum(self, st: Statement) -> Decision | None:
        target = self.targets.enums
        if target and isinstance(st.node, cst.ClassDef) and is_enum_class(st.node):
            return Decision(self.label(st), target, "enum", f"an enum class; the plan has {target}.py")
        return None

    # ------------------------------------------------------------------ 3. routes: router object
    def _route_router(self, st: Statement) -> Decision | None:
        """The router object the route hangs on, when its name names a target."""
        routes = self.routes.get(st.index)
        if not routes:
            return None
        label = self.label(st)
        candidates = self.targets.candidates()
        for route in routes:
            rwords = tuple(w for w in words(route.router) if w not in ROUTER_WORDS)
            if not rwords:
                continue
            found = self._best(candidates, _router_scorer(rwords), require_full=True)
            if found:
                group, tied = found
                return Decision(
                    label, group, "router", f"hangs on {route.router}, named after {group}",
                    (f"router object {route.router} -> words {'/'.join(rwords)}",), bool(tied),
                )  # fmt: skip
        return None

    # ------------------------------------------------------------------ 4. section headings
    def _section(self, st: Statement) -> Decision | None:
        """A class, route or public name under a heading that names exactly one target."""
        title = self._sections.get(st.index)
        if title is None or not st.defines:
            return None
        name = st.name or st.defines[0]
        if name.startswith("_") and st.kind != "class" and not self.routes.get(st.index):
            return None
        title_words = tuple(w for w in words(title) if w not in _TITLE_FILLERS)
        named = [t for t in self.targets.candidates() if (m := match(title_words, words(t))) and m.full]
        if len(named) != 1:
            return None
        group = named[0]
        reason = f"under the section heading {title!r}, which names {group}"
        return Decision(self.label(st), group, "section", reason, (f"line {st.line}: section {title!r}",))

    # ------------------------------------------------------------------ 5. routes: path
    def _section_or_path(self, st: Statement) -> Decision | None:
        """The section heading, unless the route's path opens with a namespace that names
        another target in full (``/internal/...`` under ``# --- Enrollments ---`` is internal)."""
        section = self._section(st)
        path = self._route_path(st)
        if path is None:
            return section
        found, decision = path
        if section is None:
            return decision
        if found.namespace and found.full and found.target != section.group:
            return decision
        return section

    def _route_path(self, st: Statement) -> tuple[PathMatch, Decision] | None:
        """The target the route's own path names, else the one its router's prefix names."""
        routes = self.routes.get(st.index)
        if not routes:
            return None
        label = self.label(st)
        candidates = self.targets.candidates()
        for route in routes:
            prefix = self.routers[route.router].prefix
            for part, path in (("path", route.path), ("router prefix", prefix)):
                found = path_affinity(path, candidates)
                if found is None:
                    continue
                how = "names" if found.full else "shares a word with"
                kind = "namespace" if found.namespace else "resource"
                reason = (
                    f"{'/'.join(sorted(route.methods))} {prefix}{route.path}: {part} {kind} "
                    f"{found.segment or '(several)'!r} {how} {found.target}"
                )
                if found.tied:
                    reason += f" (also {', '.join(found.tied)}; first in the plan)"
                evidence = tuple(
                    f"{r.router}: {'/'.join(sorted(r.methods))} {self.routers[r.router].prefix}{r.path}" for r in routes
                )
                return found, Decision(label, found.target, "route", reason, evidence, bool(found.tied))
        return None

    # ------------------------------------------------------------------ 6. affinity
    def _affinity(self, st: Statement) -> Decision | None:
        """Classes and public names by their words; a private helper goes where it is used."""
        if not st.defines or self.routes.get(st.index):
            return None
        name = st.name or st.defines[0]
        if name.startswith("_") and st.kind != "class":
            return None
        name_words = words(name)
        candidates = self.targets.candidates()
        found = self._best(candidates, lambda t: match(name_words, words(t)), require_full=True)
        if not found:
            return None
        group, tied = found
        reason = f"the name contains {group}" + (f" (also {', '.join(tied)}; earliest match wins)" if tied else "")
        return Decision(self.label(st), group, "affinity", reason, (f"{name} -> words {'/'.join(name_words)}",))

    def _entity(self, st: Statement) -> Decision | None:
        """A name that contains a model entity's name goes to the target named like that
        entity's models file (schemas mirror the models: ``CartItemAdd`` -> ``order`` when
        ``CartItem`` went to ``models/order.py``)."""
        if not st.defines or not self.targets.entities or self.routes.get(st.index):
            return None
        name = st.name or st.defines[0]
        if name.startswith("_") and st.kind != "class":
            return None
        name_words = words(name)
        best: tuple[tuple[int, int, str], str, str] | None = None
        for entity, group in sorted(self.targets.entities.items()):
            if group not in self.targets.candidates():
                continue
            found = match(name_words, words(entity))
            if found and found.full:
                key = (-found.position, found.matched, entity)
                if best is None or key[:2] > best[0][:2]:
                    best = (key, entity, group)
        if best is None:
            return None
        _, entity, group = best
        reason = f"the name contains the model {entity}, which is in models/{group}.py"
        return Decision(self.label(st), group, "entity", reason, (f"{name} -> words {'/'.join(name_words)}",))

    @staticmethod
    def _best(
        candidates: list[str], score: Callable[[str], Match | None], require_full: bool
    ) -> tuple[str, list[str]] | None:
        """The candidate with the best match (earliest, then longest; plan order breaks ties),
        and the other candidates that matched fully too."""
        scored = []
        for order, target in enumerate(candidates):
            found = score(target)
            if found is None or (require_full and not found.full):
                continue
            scored.append(((-found.position, found.matched, -order), target))
        if not scored:
            return None
        scored.sort(reverse=True)
        return scored[0][1], [t for _, t in scored[1:]]

    # ------------------------------------------------------------------ 7. related models
    def _related(self) -> None:
        """Model classes joined (relationship, ``ForeignKey``) to placed entities of one target."""
        progress = True
        while progress:
            progress = False
            for st in self.units:
                if st.index in self.group_of or not st.tables:
                    continue
                links = self._links(st)
                groups = {g for g, _ in links}
                if len(groups) == 1:
                    group = groups.pop()
                    via = sorted({why for _, why in links})
                    reason = f"a model related only to {group} ({'; '.join(via[:3])})"
                    self._set(st, Decision(self.label(st), group, "related", reason, tuple(via)))
                    progress = True

    def _links(self, st: Statement) -> list[tuple[str, str]]:
        """(group, why) for every placed model this model refers to or is referred to by."""
        out: list[tuple[str, str]] = []
        assert isinstance(st.node, cst.ClassDef)
        for table in sorted(st.foreign_tables):
            index = self._tables.get(table)
            if index is not None and index in self.group_of and index != st.index:
                out.append((self.group_of[index], f"ForeignKey to {table} ({self.label(self.by_index[index])})"))
        for name in sorted(st.uses | st.hint_uses):
            index = self.definer.get(name)
            other = self.by_index.get(index) if index is not None else None
            if other is not None and index in self.group_of and _is_model(other):
                out.append((self.group_of[index], f"refers to {name}"))
        mine = set(st.defines)
        for other in self.units:
            if other.index in self.group_of and _is_model(other) and mine & (other.uses | other.hint_uses):
                out.append((self.group_of[other.index], f"referred to by {self.label(other)}"))
        return out

    # ------------------------------------------------------------------ 6./7. graph and fallback
    def _users(self, st: Statement) -> list[Statement]:
        defined = set(st.defines)
        return [u for u in self.units if u.index != st.index and (defined & (u.uses | u.hint_uses))]

    def _by_users(self, st: Statement, users: list[Statement]) -> Decision:
        groups = sorted({self.group_of[u.index] for u in users if u.index in self.group_of})
        evidence = tuple(
            f"read by {self.label(u)} ({self.group_of[u.index]})" for u in users if u.index in self.group_of
        )
        if len(groups) == 1:
            return Decision(self.label(st), groups[0], "used", f"read only by {groups[0]}", evidence)
        helpers = self.targets.helpers
        if helpers:
            return Decision(self.label(st), helpers, "shared", f"read by {', '.join(groups)}: shared helpers", evidence)
        group = self._most_referenced(st)
        reason = f"read by {', '.join(groups)}; no shared-helpers module in the plan: the one reading it most"
        return Decision(self.label(st), group, "shared", reason, evidence, True)

    def _propagate(self) -> None:
        self._unsettled_routes()
        self._patch_coupled()
        pending = [st for st in self.units if st.index not in self.group_of]
        self._by_graph(pending)
        # unused names first (their own fallback), then what only they read follows them
        for st in [st for st in pending if st.defines and not self._users(st)]:
            self._set(st, self._fallback_decision(st))
            pending.remove(st)
        self._by_graph(pending)
        # mutually recursive helpers
        for st in pending:
            if not st.defines:
                continue
            users = [u for u in self._users(st) if u.index in self.group_of]
            self._set(st, self._by_users(st, users) if users else self._fallback_decision(st))
        for st in self.units:
            if st.index in self.group_of:
                continue
            # model_rebuild() and other expressions: after the last definition they refer to
            refs = [self.definer[n] for n in st.uses | st.hint_uses if n in self.definer and self.definer[n] < st.index]
            refs = [r for r in refs if r in self.group_of]
            if refs:
                needed = {self.group_of[r] for r in refs}
                candidates = sorted(needed, key=lambda g: -max(r for r in refs if self.group_of[r] == g))
                group = next((g for g in candidates if not any(self._reaches(n, g) for n in needed - {g})), None)
                self._set(st, Decision(self.label(st), group or candidates[0], "used", "after what it refers to"))
            else:
                self._set(st, self._fallback_decision(st))

    def _by_graph(self, pending: list[Statement]) -> None:
        """Place (and drop from ``pending``) every name whose readers are all placed, until none is left."""
        progress = True
        while pending and progress:
            progress = False
            for st in list(pending):
                if not st.defines:
                    continue
                users = self._users(st)
                if not users or any(u.index not in self.group_of for u in users):
                    continue
                self._set(st, self._by_users(st, users))
                pending.remove(st)
                progress = True

    def _unsettled_routes(self) -> None:
        """A route no path or router name settles goes where most routes of its router object went
        (when the module has several router objects), else to the fallback target."""
        for st in self.units:
            routes = self.routes.get(st.index)
            if not routes or st.index in self.group_of:
                continue
            router = routes[0].router
            siblings = Counter(
                self.group_of[index]
                for index, others in self.routes.items()
                if index in self.group_of and any(r.router == router for r in others)
            )
            if siblings and len(self.routers) > 1:
                order = self.targets.names
                group = max(siblings, key=lambda g: (siblings[g], -order.index(g) if g in order else 0))
                reason = f"no target in its path; {siblings[group]} other route(s) of {router} are in {group}"
                self._set(st, Decision(self.label(st), group, "router", reason, (), len(siblings) > 1))
            else:
                self._set(st, self._fallback_decision(st))

    def _patch_coupled(self) -> None:
        """A helper that reads a name the tests patch goes where the routes reading that name
        are (when they are in one target): a patch replaces the name in one module only."""
        for name in sorted(self.targets.patched):
            readers = [u for u in self.units if name in u.uses]
            groups = {self.group_of[u.index] for u in readers if u.index in self.group_of and self.routes.get(u.index)}
            if len(groups) != 1:
                continue
            group = groups.pop()
            for st in readers:
                if st.index in self.group_of or self.routes.get(st.index):
                    continue
                reason = f"reads {name}, which the tests patch; the routes reading it are in {group}"
                self._set(st, Decision(self.label(st), group, "patched", reason, (f"patched: {name}",)))

    def _close_shared(self) -> None:
        """What the shared helpers read goes with them, so that module imports no target
        module (each target imports it; the other way round would be an import cycle)."""
        helpers = self.targets.helpers
        if not helpers:
            return
        changed = True
        while changed:
            changed = False
            for st in self.units:
                if self.group_of.get(st.index) != helpers:
                    continue
                for name in sorted(st.uses):
                    index = self.definer.get(name)
                    other = self.by_index.get(index) if index is not None else None
                    if other is None or self.group_of.get(other.index) in {helpers, self.targets.enums, None}:
                        continue
                    if name in self.routers or self.routes.get(other.index):
                        continue
                    previous = self.group_of[other.index]
                    reason = f"read by the shared helper {self.label(st)} (it was {previous}): shared helpers"
                    self.decisions = [d for d in self.decisions if d.label != self.label(other)]
                    self._set(
                        other,
                        Decision(self.label(other), helpers, "shared", reason, (f"{name} read by {self.label(st)}",)),
                    )
                    changed = True

    def _fallback_decision(self, st: Statement) -> Decision:
        default = self.targets.default_target()
        if default:
            named = f"named after the service {self.targets.service}"
            why = "the plan's fallback" if self.targets.default == default else named
            return Decision(
                self.label(st), default, "fallback", f"nothing else settles it: {default} ({why})", (), True
            )
        group = self._most_referenced(st)
        return Decision(
            self.label(st), group, "fallback", f"nothing else settles it: {group} reads or is read by it most", (), True
        )

    def _reaches(self, start: str, goal: str) -> bool:
        """Does group ``start`` already import group ``goal`` at runtime (directly or not)?"""
        edges: dict[str, set[str]] = {}
        for st in self.units:
            group = self.group_of.get(st.index)
            if group is None:
                continue
            for name in st.uses:
                index = self.definer.get(name)
                other = self.group_of.get(index) if index is not None else None
                if other is not None and other != group and name not in self.routers:
                    edges.setdefault(group, set()).add(other)
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        return False

    def _most_referenced(self, st: Statement) -> str:
        counts: Counter[str] = Counter()
        for user in self._users(st):
            if user.index in self.group_of:
                counts[self.group_of[user.index]] += 1
        if not counts:
            for name in st.uses | st.hint_uses:
                index = self.definer.get(name)
                if index is not None and index in self.group_of:
                    counts[self.group_of[index]] += 1
        order = list(self.targets.names)
        for special in (self.targets.helpers, self.targets.enums):
            counts.pop(special, None)  # only shared helpers / enums go there, by their own rules
        if counts:
            return max(counts, key=lambda g: (counts[g], -order.index(g) if g in order else -len(order)))
        return self.targets.candidates()[0] if self.targets.candidates() else order[0]


def _router_scorer(router_words: tuple[str, ...]) -> Callable[[str], Match | None]:
    """Scores a target by how its words hold a router variable's words (``agreements_router``)."""
    return lambda target: match(words(target), router_words)


def _is_model(st: Statement) -> bool:
    return bool(st.tables)


class PlacementError(ValueError):
    """The plan names a symbol the module does not define."""


def finer_split(decisions: Sequence[Decision], group: str) -> list[str]:
    """Targets to split an over-long ``group`` into, by the entity words its names carry.

    The names placed in ``group`` are read as words; the words the group's own name does not
    already say, most frequent first, become ``<group>_<word>`` proposals (the group itself
    keeps the rest). Only a proposal: the user names the targets in the plan.
    """
    own = set(words(group))
    counts: Counter[str] = Counter()
    for decision in decisions:
        if decision.group != group:
            continue
        extra = [w for w in _decision_words(decision) if w not in own and len(w) > 2]
        if extra:
            counts[extra[0]] += 1
    proposals = [f"{group}_{word}" for word, count in counts.most_common(3) if count > 1]
    return [group, *proposals] if proposals else []


def _decision_words(decision: Decision) -> list[str]:
    """The words of a placed name, or of its route path when it is a route."""
    for line in decision.evidence:
        if ": " in line and " /" in line:  # a route: "router: GET /path"
            return [w for _, w in path_words(line.rsplit(" ", 1)[-1])]
    return list(words(decision.label.split(",")[0]))
