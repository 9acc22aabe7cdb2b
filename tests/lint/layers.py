#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# layers.py: the include rule of planner/ (README, "Layout"), checked by `make lint`.
#
# model <- util <- facts <- input <- fleet <- report <- cli <- main.c: a file includes the
# core's headers (bare "kc.h", found through -Imodel) and headers of its own folder or of a
# folder below it, always by folder ("facts/facts.h"). model/ includes only model/. No two
# files include each other through any chain (no include cycle between files), and no two
# folders depend on each other. Prints one line per breach; exits 1 if there is any.
import os
import re
import sys

ORDER = ["model", "util", "facts", "input", "fleet", "demand", "report", "cli", "main"]
RANK = {name: i for i, name in enumerate(ORDER)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(path):
    parts = path.split("/")
    if parts[0] == "model":
        return "model"
    if parts[0] == "planner":
        return "main" if len(parts) == 2 else parts[1]
    return None


def main(root):
    os.chdir(root)
    files = []
    for top in ("model", "planner"):
        for dirpath, _, names in os.walk(top):
            files += [os.path.join(dirpath, n) for n in sorted(names) if n.endswith((".c", ".h"))]
    model_headers = {os.path.basename(f) for f in files if f.startswith("model/")}
    bad = []
    graph = {}
    for f in sorted(files):
        own = folder_of(f)
        if own not in RANK:
            bad.append(f"{f}: folder '{own}' is not in the layer order of tests/lint/layers.py")
            continue
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        graph[f] = []
        for inc in INCLUDE.findall(text):
            if "/" not in inc:
                if inc in model_headers:
                    graph[f].append("model/" + inc)
                    continue
                if own == "model":
                    bad.append(f"{f}: includes '{inc}', which is not a model/ header")
                else:
                    bad.append(f"{f}: includes '{inc}' without its folder (write \"folder/{inc}\")")
                continue
            if own == "model":
                bad.append(f"{f}: the core includes '{inc}' from outside model/")
                continue
            target_folder = inc.split("/")[0]
            target = "planner/" + inc
            if target_folder not in RANK or not os.path.exists(target):
                bad.append(f"{f}: includes '{inc}', which is not a planner/ header")
                continue
            graph[f].append(target)
            if RANK[target_folder] > RANK[own]:
                bad.append(f"{f}: {own}/ includes '{inc}' from {target_folder}/, a folder above it "
                           f"(order: {' <- '.join(ORDER)})")
    # cycles between modules (through any chain of includes)
    # a module is a .c with its .h; a header without a .c of its own ("pack_impl.h",
    # "fit_reference.h") belongs to the module it is named after ("pack", "fit")
    stems = {f[:-2] for f in files if f.endswith(".c")}
    def module(path):
        base = path[:-2]
        if path.endswith(".h") and base not in stems:
            parts = base.split("_")
            for k in range(len(parts) - 1, 0, -1):
                if "_".join(parts[:k]) in stems:
                    return "_".join(parts[:k])
        return base
    mgraph = {}
    for f, deps in graph.items():
        mgraph.setdefault(module(f), set()).update(module(d) for d in deps if module(d) != module(f))
    state = {}
    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(mgraph.get(node, ())):
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt):] + [nxt]
                bad.append("include cycle: " + " -> ".join(cyc))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2
    for node in sorted(mgraph):
        if node not in state:
            visit(node, [])
    for line in bad:
        print("layers: " + line)
    if bad:
        return 1
    print(f"layers: {len(graph)} files, include rule holds")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
