"""Prints the mutation score of a Stryker JSON report (ops/mutate): overall, over covered mutants, per folder, and the survivors."""
import json, sys, collections

report = json.load(open(sys.argv[1]))
counts = collections.Counter()
by_folder = collections.defaultdict(collections.Counter)
survivors = []
for path, f in report["files"].items():
    rel = path.split("/src/", 1)[-1]
    folder = "/".join(rel.split("/")[1:-1]) or "."
    for m in f["mutants"]:
        s = m["status"]
        counts[s] += 1
        by_folder[folder][s] += 1
        if s in ("Survived", "NoCoverage"):
            survivors.append(f'{s:10} {rel}:{m["location"]["start"]["line"]}  {m["mutatorName"]}: {m.get("replacement", "")[:90]}')

def score(c):
    detected = c["Killed"] + c["Timeout"]
    covered = detected + c["Survived"]
    total = covered + c["NoCoverage"]
    return (100.0 * detected / total if total else 100.0, 100.0 * detected / covered if covered else 100.0, detected, c["Survived"], c["NoCoverage"])

for line in sorted(survivors):
    print(line)
print()
print(f'{"folder":40} {"score":>7} {"covered":>8} {"killed":>7} {"survived":>9} {"no cov":>7}')
for folder in sorted(by_folder):
    s = score(by_folder[folder])
    print(f"{folder:40} {s[0]:6.1f}% {s[1]:7.1f}% {s[2]:7} {s[3]:9} {s[4]:7}")
s = score(counts)
print(f'{"ALL":40} {s[0]:6.1f}% {s[1]:7.1f}% {s[2]:7} {s[3]:9} {s[4]:7}')
print(f'(compile errors {counts["CompileError"]}, ignored {counts["Ignored"]})')
