#!/usr/bin/env python3
"""Plants each bug of tests/planted-bugs.tsv in turn and runs the tests: a plant the tests do not catch is a gap.

Stryker (ops/mutate) mutates C#; it cannot change a comparison inside SQL text, a sort key string or a column list, where a
realistic bug hides as easily. Each line of the catalogue is one such bug: the file, the exact text (found once), its
replacement, the test project, and the filter of the tests that must catch it (or "*" for the whole project).

  ops/plant [--all-tests] [name ...]

--all-tests runs the whole project for every plant (to find which tests catch it), else each plant's filter. The file is put
back after each plant, whatever happens; a file with uncommitted changes is refused.
"""
import csv, os, re, signal, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(ROOT, "tests", "planted-bugs.tsv")


def unescape(text):
    """The catalogue writes a tab as \\t and a line break as \\n."""
    return text.replace("\\t", "\t").replace("\\n", "\n")


def plants():
    with open(CATALOGUE, newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            name, path, find, replace, project, tests = row
            yield name, path, unescape(find), unescape(replace), project, tests


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)


def main(argv):
    # A stopped run still puts the planted file back: SIGTERM becomes an exit, which runs the finally below (as Ctrl-C does).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    all_tests = "--all-tests" in argv
    wanted = [a for a in argv if not a.startswith("--")]
    results = []
    for name, path, find, replace, project, tests in plants():
        if wanted and name not in wanted:
            continue
        full = os.path.join(ROOT, path)
        if run(["git", "diff", "--quiet", "--", path]).returncode != 0:
            sys.exit(f"{path} has uncommitted changes: commit or stash them first")
        original = open(full, encoding="utf-8").read()
        if original.count(find) != 1:
            results.append((name, "STALE", f"the text is found {original.count(find)} times in {path}"))
            print(f"{name}: STALE: {results[-1][2]}", flush=True)
            continue
        try:
            with open(full, "w", encoding="utf-8") as f:
                f.write(original.replace(find, replace))
            test_project = f"tests/CaseFlow.{project}.Tests"
            build = run(["dotnet", "build", test_project, "-c", "Release", "-nologo", "-v", "q"])
            if build.returncode != 0:
                results.append((name, "NO BUILD", "the plant does not compile: fix the catalogue"))
                continue
            started = time.time()
            # The catalogue's own check (every plant's text found once) fails by design while a plant is in place.
            ours = "FullyQualifiedName!~EveryPlantedBug_FindsItsTextExactlyOnce"
            command = ["dotnet", "test", test_project, "-c", "Release", "--no-build", "-nologo", "--filter",
                       ours if tests == "*" or all_tests else f"({tests})&{ours}"]
            test = run(command)
            failed = sorted(set(re.findall(r"^\s*Failed (.+?) \[\d", test.stdout, re.M)))
            if test.returncode != 0 and failed:
                results.append((name, "caught", f"{len(failed)} failing ({time.time() - started:.0f} s): " + ", ".join(failed[:4])))
            elif test.returncode != 0:
                results.append((name, "ERROR", test.stdout[-400:]))
            else:
                results.append((name, "SURVIVED", f"{tests} ({time.time() - started:.0f} s)"))
        finally:
            with open(full, "w", encoding="utf-8") as f:
                f.write(original)
            if results and results[-1][0] == name:
                print(f"{name}: {results[-1][1]}: {results[-1][2]}", flush=True)
    run(["dotnet", "build", "CaseFlow.sln", "-c", "Release", "-nologo", "-v", "q"])
    caught = sum(1 for r in results if r[1] == "caught")
    print(f"\n{caught} of {len(results)} planted bugs caught")
    for name, outcome, detail in results:
        if outcome != "caught":
            print(f"  {outcome}: {name}: {detail}")
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
