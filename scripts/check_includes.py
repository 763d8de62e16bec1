#!/usr/bin/env python3
"""Checks the include graph of cmgemu's product code (emulator/, certs/, harness/).

Rules (README "Architecture"):
  - emulator/core is the base: it includes only itself.
  - certs (the lab PKI) includes core and itself.
  - A party (emulator/<party>, e.g. aad, arm, site) includes core, itself, the PKI's public
    header and other parties' public interfaces only (PUBLIC below), never their other
    headers.
  - emulator/app is the composition root: it may include each party's service header and
    public interface; nothing but the harness includes app.
  - harness includes core, app, its own files and public interfaces.
Tests and benchmarks may include anything. Exit 0 when every rule holds; otherwise prints one
line per offending include ("file:line: includes X: reason") and exits 1.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
PARTIES = ["aad", "arm", "sitedb", "site", "cmg", "mp", "client"]
# Headers (or folders, ending in "/") of a party that other code may include.
PUBLIC = {
    "certs": ["certs/pki.h"],
    "aad": ["emulator/aad/public/"],
    "sitedb": ["emulator/sitedb/site_db.h"],
    "site": ["emulator/site/tokens/signing_certs.h", "emulator/site/tokens/bulk_token_tool.h"],
    "cmg": ["emulator/cmg/cmg_api.h"],
    "mp": ["emulator/mp/messaging/ccm_message.h"],
    "client": ["emulator/client/ccmsetup/command_line.h"],
}
SERVICE_HEADER = "emulator/{p}/{p}_service.h"
INCLUDE = re.compile(r'^\s*#\s*include\s+"((?:emulator|certs|harness)/[^"]+)"')


def owner(path):
    """The component a repository path belongs to: 'core', 'app', a party, 'certs', 'harness'."""
    parts = path.split("/")
    if parts[0] in ("certs", "harness"):
        return parts[0]
    if parts[0] == "emulator" and len(parts) > 2:
        return parts[1]
    return None


def is_public(header):
    comp = owner(header)
    return any(header == p or (p.endswith("/") and header.startswith(p))
               for p in PUBLIC.get(comp, []))


def violation(src, header):
    """Why `src` may not include `header`, or None."""
    a, b = owner(src), owner(header)
    if a == b or b == "core":
        return None
    if a == "core":
        return "core includes only core"
    if b == "app":
        return None if a == "harness" else "only the harness uses the composition root (app)"
    if b == "harness":
        return "only the harness includes the harness"
    if is_public(header):
        return None
    if a == "app" and b in PARTIES and header == SERVICE_HEADER.format(p=b):
        return None
    what = "the PKI" if b == "certs" else "party '%s'" % b
    return "not part of %s's public interface" % what


def main():
    problems = []
    for top in ("emulator", "certs", "harness"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in (".h", ".cc") or not path.is_file():
                continue
            rel = path.relative_to(ROOT).as_posix()
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                why = violation(rel, m.group(1))
                if why:
                    problems.append("%s:%d: includes %s: %s" % (rel, n, m.group(1), why))
    for p in problems:
        print(p)
    if problems:
        print("%d include(s) break the party boundaries" % len(problems))
        return 1
    print("include graph ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
