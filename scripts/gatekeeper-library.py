#!/usr/bin/env python3
"""Run the gatekeeper-library test suites through `assay scan`.

Usage: scripts/gatekeeper-library.py PATH/TO/gatekeeper-library [ASSAY_BINARY]

For every suite.yaml under library/, each case scans the case's object (with
its inventory objects) under `--no-builtin --policy template --policy
constraint`, and compares the violations on that object with the case's
assertions (`violations: yes|no|N`, optional `message`). Prints one line per
failing case and a pass rate; exits 1 when any case fails.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml  # PyYAML


def load_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def main():
    root = os.path.abspath(sys.argv[1])
    assay = sys.argv[2] if len(sys.argv) > 2 else "assay"
    passed = failed = 0
    failures = []
    for dirpath, _, files in sorted(os.walk(os.path.join(root, "library"))):
        if "suite.yaml" not in files:
            continue
        suite = load_all(os.path.join(dirpath, "suite.yaml"))[0]
        for test in suite.get("tests") or []:
            template = os.path.join(dirpath, test["template"])
            constraint = os.path.join(dirpath, test["constraint"])
            for case in test.get("cases") or []:
                name = f"{os.path.relpath(dirpath, root)}::{test['name']}::{case['name']}"
                obj_path = os.path.join(dirpath, case["object"])
                objs = load_all(obj_path)
                inv = [os.path.join(dirpath, i) for i in case.get("inventory") or []]
                ok, why = run_case(assay, template, constraint, obj_path, objs, inv, case)
                if ok:
                    passed += 1
                else:
                    failed += 1
                    failures.append(f"FAIL {name}: {why}")
    for f in failures:
        print(f)
    total = passed + failed
    print(f"{passed}/{total} cases pass ({100.0 * passed / max(total, 1):.1f}%)")
    sys.exit(1 if failed else 0)


def run_case(assay, template, constraint, obj_path, objs, inventory, case):
    if not objs:
        return False, "empty object file"
    obj = objs[0]
    with tempfile.TemporaryDirectory() as tmp:
        # The object under review is scanned with the inventory beside it.
        paths = [obj_path] + inventory
        cmd = [assay, "scan", "--no-builtin", "--policy", template, "--policy", constraint,
               "--format", "json", "--quiet"] + paths
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
    if p.returncode == 2:
        return False, "run failed: " + (p.stderr.strip().splitlines() or ["?"])[0]
    try:
        report = json.loads(p.stdout)
    except json.JSONDecodeError:
        return False, "no JSON: " + p.stderr.strip()[:200]
    meta = obj.get("metadata") or {}
    mine = [f for f in report["findings"]
            if f["status"] in ("fail", "warn")
            and f["resource"]["name"] == meta.get("name", "")
            and f["resource"]["kind"].split("/")[-1] == obj.get("kind")
            and f["location"].get("file") == obj_path]
    for a in case.get("assertions") or []:
        want = a.get("violations", "yes")
        msgs = mine
        if "message" in a:
            msgs = [f for f in mine if re.search(a["message"], f["message"])]
        n = len(msgs)
        if want in ("yes", True):
            ok = n >= 1
        elif want in ("no", False):
            ok = n == 0
        else:
            ok = n == int(want)
        if not ok:
            got = [f["message"] for f in mine]
            return False, f"expected violations={want}" + (f" matching {a['message']!r}" if "message" in a else "") + f", got {n}: {got[:3]}"
    return True, ""


if __name__ == "__main__":
    main()
