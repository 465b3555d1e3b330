"""Programs run inside the sandbox for the prompts: a bounded data preview and the environment.

Both run with the sandbox's ``python3`` and the standard library only, so they work before
any package is known to be installed.

``PREVIEW_PROGRAM`` lists the data files (capped) and, for each CSV, its shape and per column
the type, the number of missing values and the value range (numbers) or the distinct count
and examples (text), from the first ``SAMPLE_ROWS`` rows. Its output never exceeds the
character budget given as its second argument.

``ENVIRONMENT_PROGRAM`` prints the installed versions of common ML packages, then the
hardware (CPUs, memory, GPUs).
"""

CHARS_PER_TOKEN = 4
"""Rough characters per token, to turn token budgets into character caps."""

PREVIEW_PROGRAM = r"""
import csv, math, os, sys
root, budget = sys.argv[1], int(sys.argv[2])
SAMPLE_ROWS, MAX_FILES, MAX_COLUMNS = 20000, 40, 30
MISSING = {"", "nan", "na", "n/a", "null", "none", "-"}
out = []
def human(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"
def number(v):
    try:
        x = float(v)
    except ValueError:
        return None
    return x if math.isfinite(x) else None
def short(v):
    return v if len(v) <= 20 else v[:17] + "..."
def describe_csv(path, size):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        columns = [dict(missing=0, nums=0, ints=0, lo=None, hi=None, seen=set(), n=0) for _ in header]
        rows = 0
        for row in reader:
            rows += 1
            if rows > SAMPLE_ROWS:
                break
            for col, value in zip(columns, row):
                col["n"] += 1
                if value.strip().lower() in MISSING:
                    col["missing"] += 1
                    continue
                x = number(value)
                if x is not None:
                    col["nums"] += 1
                    col["ints"] += x.is_integer() and "." not in value
                    col["lo"] = x if col["lo"] is None else min(col["lo"], x)
                    col["hi"] = x if col["hi"] is None else max(col["hi"], x)
                elif len(col["seen"]) <= 1000:
                    col["seen"].add(value)
    sampled = rows > SAMPLE_ROWS
    if sampled and size < 200_000_000:
        with open(path, "rb") as f:
            total = sum(1 for _ in f) - 1
        shape = f"{total} rows x {len(header)} columns (stats from the first {SAMPLE_ROWS} rows)"
    elif sampled:
        shape = f"more than {SAMPLE_ROWS} rows x {len(header)} columns (stats from the first {SAMPLE_ROWS})"
    else:
        shape = f"{rows} rows x {len(header)} columns"
    lines = [f"    shape: {shape}"]
    for name, col in list(zip(header, columns))[:MAX_COLUMNS]:
        present = col["n"] - col["missing"]
        if present and col["nums"] == present:
            kind = "int" if col["ints"] == present else "float"
            what = f"{kind}, range [{col['lo']:.6g}, {col['hi']:.6g}]"
        else:
            distinct = len(col["seen"])
            more = "+" if distinct > 1000 else ""
            examples = ", ".join(short(v) for v in sorted(col["seen"])[:3])
            what = f"text, {distinct}{more} distinct (e.g. {examples})" if distinct else "empty"
        nan = f", {col['missing']} missing" if col["missing"] else ""
        lines.append(f"    {short(name)}: {what}{nan}")
    if len(header) > MAX_COLUMNS:
        lines.append(f"    ... and {len(header) - MAX_COLUMNS} more columns")
    return lines
files = []
for here, dirs, names in os.walk(root, followlinks=True):
    dirs.sort()
    rel = os.path.relpath(here, root)
    depth = 0 if rel == "." else rel.count(os.sep) + 1
    if len(names) > 20:
        out.append(f"{rel}/: {len(names)} files, e.g. {', '.join(sorted(names)[:5])}")
        names = []
    files += [os.path.join(here, name) for name in sorted(names)]
    if depth >= 3:
        dirs[:] = []
for path in files[:MAX_FILES]:
    rel = os.path.relpath(path, root)
    try:
        size = os.path.getsize(path)
    except OSError:
        continue
    out.append(f"- {rel} ({human(size)})")
    if path.endswith(".csv"):
        try:
            out += describe_csv(path, size)
        except Exception as ex:
            out.append(f"    (unreadable: {ex})")
    if sum(len(line) + 1 for line in out) > budget:
        break
if len(files) > MAX_FILES:
    out.append(f"... and {len(files) - MAX_FILES} more files")
text = "\n".join(out)
if len(text) > budget:
    text = text[: max(0, budget - 40)].rsplit("\n", 1)[0] + "\n[... preview cut to its budget]"
print(text)
"""

ENVIRONMENT_PROGRAM = r"""
import os, shutil, subprocess
from importlib import metadata
names = ["numpy", "pandas", "scipy", "scikit-learn", "statsmodels", "xgboost", "lightgbm",
         "catboost", "torch", "torchvision", "torchaudio", "timm", "transformers",
         "tensorflow", "keras", "opencv-python", "pillow", "albumentations", "optuna",
         "bayesian-optimization", "torch-geometric", "nltk", "spacy"]
found = []
for name in names:
    try:
        found.append(f"{name} {metadata.version(name)}")
    except Exception:
        pass
print("Installed packages: " + (", ".join(found) or "(none of the common ML packages)"))
print(f"CPUs: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}")
try:
    with open("/proc/meminfo") as f:
        kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
    print(f"Memory: {kb / 1024**2:.1f} GiB")
except Exception:
    pass
if shutil.which("nvidia-smi"):
    try:
        gpus = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        gpus = ""
    print("GPUs: " + ("; ".join(gpus.splitlines()) if gpus else "none visible"))
else:
    print("GPUs: none")
"""
