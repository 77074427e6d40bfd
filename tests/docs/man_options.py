#!/usr/bin/env python3
"""docs.man_options: each command's options in its man page equal those of
its --help.

usage: man_options.py LISTENERS MANDIR

--help: the usage line (its first line), which cli/options.c prints from
the option table, so it names every option the command takes and no other.
The man page: the `.It` heads of its OPTIONS section, every `Fl` argument
(`.It Fl o , Fl \\-columns Ar list` names -o and --columns); long names are
compared (the short ones are aliases the table gives every command, -h and
-V, or the list's -H and -o). Another section may name any option (prose,
EXAMPLES). Then the check runs once more on the list page with its first
option removed, and must fail: the test can fail.
"""
import re
import subprocess
import sys

COMMANDS = [None, "snapshot", "diff", "check", "ports", "watch"]


def help_options(listeners, command):
    argv = [listeners] + ([command] if command else []) + ["--help"]
    p = subprocess.run(argv, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(argv)} exited {p.returncode}: {p.stderr}")
    usage = p.stdout.splitlines()[0]
    if not usage.startswith("usage: listeners"):
        sys.exit(f"FAIL: {' '.join(argv)}: first line is not the usage: {usage!r}")
    return set(re.findall(r"--[a-z][a-z0-9-]*", usage))


def man_options(text, page):
    """The long options named by the .It heads of the OPTIONS section."""
    inside, found, seen_section = False, set(), False
    for line in text.splitlines():
        if line.startswith(".Sh "):
            inside = line.strip() == ".Sh OPTIONS"
            seen_section = seen_section or inside
            continue
        if inside and line.startswith(".It "):
            for arg in re.findall(r"\bFl\s+(\S+)", line):
                name = "-" + arg.replace("\\-", "-")
                if name.startswith("--"):
                    found.add(name)
    if not seen_section:
        sys.exit(f"FAIL: {page}: no .Sh OPTIONS section")
    return found


def compare(page, helped, text):
    documented = man_options(text, page)
    errors = []
    for o in sorted(helped - documented):
        errors.append(f"{page}: --help lists {o}, the OPTIONS section lacks it")
    for o in sorted(documented - helped):
        errors.append(f"{page}: the OPTIONS section documents {o}, --help lacks it")
    return errors


def main():
    listeners, mandir = sys.argv[1], sys.argv[2]
    errors, count = [], 0
    for command in COMMANDS:
        page = f"{mandir}/listeners{'-' + command if command else ''}.1"
        with open(page, encoding="utf-8") as f:
            text = f.read()
        helped = help_options(listeners, command)
        if not helped:
            errors.append(f"{command or 'listeners'} --help: no options found in the usage line")
        errors += compare(page, helped, text)
        count += len(helped)
        if command is None:
            list_page, list_text, list_helped = page, text, helped
    if errors:
        print("FAIL:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1

    # The check must be able to fail: the list page without its first option.
    lines = list_text.splitlines(keepends=True)
    start = next(i for i, l in enumerate(lines) if l.strip() == ".Sh OPTIONS")
    first = next(i for i in range(start, len(lines)) if lines[i].startswith(".It Fl"))
    mutated = "".join(lines[:first] + [".It\n"] + lines[first + 1:])
    if not compare(list_page, list_helped, mutated):
        print(f"FAIL: removing {lines[first].strip()!r} from {list_page} was not noticed",
              file=sys.stderr)
        return 1
    print(f"docs.man_options: {count} options of {len(COMMANDS)} commands, page and --help agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
