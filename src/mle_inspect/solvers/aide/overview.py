"""A bounded overview of the data directory, computed inside the sandbox for draft prompts.

The program below runs with the sandbox's ``python3`` and the standard library only. It lists
files (capped), and for CSV files the header, two rows and the line count of small files; its
output never exceeds the character budget given as its second argument.
"""

OVERVIEW_PROGRAM = r"""
import csv, os, sys
root, budget = sys.argv[1], int(sys.argv[2])
out = []
def emit(line):
    out.append(line)
def human(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"
files = []
for here, dirs, names in os.walk(root, followlinks=True):
    dirs.sort()
    rel = os.path.relpath(here, root)
    depth = 0 if rel == "." else rel.count(os.sep) + 1
    if len(names) > 20:
        emit(f"{rel}/: {len(names)} files, e.g. {', '.join(sorted(names)[:5])}")
        names = []
    for name in sorted(names):
        files.append(os.path.join(here, name))
    if depth >= 3:
        dirs[:] = []
for path in files[:60]:
    rel = os.path.relpath(path, root)
    try:
        size = os.path.getsize(path)
    except OSError:
        continue
    emit(f"- {rel} ({human(size)})")
    if path.endswith(".csv"):
        try:
            with open(path, newline="", encoding="utf-8", errors="replace") as f:
                reader = csv.reader(f)
                header = next(reader, [])
                rows = [next(reader, None) for _ in range(2)]
            cols = ", ".join(header[:40]) + (f", ... ({len(header)} columns)" if len(header) > 40 else "")
            emit(f"    columns: {cols}")
            for row in rows:
                if row:
                    emit("    row: " + ", ".join(v[:30] for v in row[:15]) + (" ..." if len(row) > 15 else ""))
            if size < 50_000_000:
                with open(path, "rb") as f:
                    emit(f"    rows: {sum(1 for _ in f) - 1}")
        except Exception as ex:
            emit(f"    (unreadable: {ex})")
if len(files) > 60:
    emit(f"... and {len(files) - 60} more files")
text = "\n".join(out)
print(text[:budget])
"""
