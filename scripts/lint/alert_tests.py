#!/usr/bin/env python3
"""Prepares deploy/prometheus/alerts.yml for `promtool test rules`: checks
that every alert has a summary, a runbook line and a test that fires it, and
writes a copy without the runbook lines (promtool compares annotations whole;
the tests assert the rendered summaries) next to a copy of the tests.

    alert_tests.py OUT_DIR
"""

import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
TESTS = ROOT / "deploy" / "prometheus" / "alerts.test.yml"


def main(out):
    rules = yaml.safe_load(RULES.read_text())
    tests = yaml.safe_load(TESTS.read_text())
    fired = {case["alertname"] for test in tests["tests"]
             for case in test.get("alert_rule_test", []) if case.get("exp_alerts")}
    problems = []
    for group in rules["groups"]:
        for rule in group["rules"]:
            name = rule["alert"]
            annotations = rule.get("annotations", {})
            if not annotations.get("summary") or not annotations.get("runbook"):
                problems.append(f"{name}: needs a summary and a runbook annotation")
            if name not in fired:
                problems.append(f"{name}: no test in {TESTS.name} fires it")
            annotations.pop("runbook", None)
    for problem in problems:
        print(f"alerts: {problem}", file=sys.stderr)
    if problems:
        return 1
    out = pathlib.Path(out)
    (out / "alerts.yml").write_text(yaml.safe_dump(rules, sort_keys=False))
    (out / "alerts.test.yml").write_text(TESTS.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
