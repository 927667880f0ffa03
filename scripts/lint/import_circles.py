#!/usr/bin/env python3
"""Import circles between the top-level modules of each crate (crates/*/src,
services/*/src): `a` uses `crate::b` and `b`, through any path, uses
`crate::a`. Tests and comments do not count. Prints each circle; exits 1 if
there is one."""
import glob
import os
import re
import sys


def module_of(root, path):
    parts = os.path.relpath(path, root)[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts[0] if parts else "lib"


def circles(root):
    edges = {}
    for path in glob.glob(os.path.join(root, "**", "*.rs"), recursive=True):
        if path.endswith("tests.rs"):
            continue
        module = module_of(root, path)
        text = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
        code = "\n".join(l for l in text.splitlines() if not l.strip().startswith("//"))
        for used in re.findall(r"crate::([a-z_][a-z0-9_]*)", code):
            if used != module:
                edges.setdefault(module, set()).add(used)
    # Tarjan's strongly connected components.
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


status = 0
for root in sorted(glob.glob("crates/*/src") + glob.glob("services/*/src")):
    for circle in circles(root):
        print(f"lint: {root}: modules import each other in a circle: {', '.join(circle)}")
        status = 1
sys.exit(status)
