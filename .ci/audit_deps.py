"""Dependency audit: pip-audit over the installed virtualenv (what requirements*.txt pinned).

Fails (exit 1) when an installed package has a known vulnerability with a fixed release: upgrade
the pin in requirements*.txt to a fixed version. A vulnerability without any fix is listed but does
not fail the build (nothing to upgrade to). Packages the vulnerability service cannot look up are
listed, so a silent mirror is visible.

    python .ci/audit_deps.py          # or: make audit
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def findings(report: dict) -> tuple[list[str], list[str], list[str]]:
    """(fixable, unfixable, skipped) lines from pip-audit's JSON report."""
    fixable, unfixable, skipped = [], [], []
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped.append(f"{dep['name']}: {dep['skip_reason']}")
            continue
        for vuln in dep.get("vulns", []):
            line = f"{dep['name']} {dep['version']}: {vuln['id']}"
            if vuln.get("fix_versions"):
                fixable.append(f"{line} (fixed in {', '.join(vuln['fix_versions'])})")
            else:
                unfixable.append(f"{line} (no fixed release yet)")
    return fixable, unfixable, skipped


def main() -> int:
    result = subprocess.run(
        [str(PIP_AUDIT), "--local", "--format", "json", "--progress-spinner", "off", *sys.argv[1:]],
        capture_output=True, text=True,
    )
    if not result.stdout.strip():
        print(result.stderr, file=sys.stderr)
        return 2
    fixable, unfixable, skipped = findings(json.loads(result.stdout))
    audited = len(json.loads(result.stdout).get("dependencies", [])) - len(skipped)
    print(f"pip-audit: {audited} packages audited, {len(skipped)} could not be looked up")
    if audited == 0:
        # pypi.org's per-release JSON (what the PyPI service reads) did not answer: say so loudly
        # rather than report a clean audit that never happened.
        print("WARNING: the vulnerability service answered for no package; this audit checked nothing.")
    for line in skipped:
        print(f"  not audited: {line}")
    for line in unfixable:
        print(f"  known, no fix: {line}")
    for line in fixable:
        print(f"  VULNERABLE: {line}")
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main())
