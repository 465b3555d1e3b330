"""The ``mle-inspect`` command: list, prepare, grade, report.

Heavy modules load inside each command; ``grade`` never imports inspect_ai.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def _table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    cells = [list(map(str, header)), *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _ready_text(competition: object) -> str:
    missing = [
        part
        for part, ok in (
            ("grader", competition.ready_for_grading),  # type: ignore[attr-defined]
            ("prepare", competition.ready_for_prepare),  # type: ignore[attr-defined]
        )
        if not ok
    ]
    return "yes" if not missing else "no (" + ", ".join(missing) + ")"


def cmd_list(args: argparse.Namespace) -> int:
    from .competitions import get_competition, split_ids
    from .data import competition_paths, is_prepared

    ids = split_ids(args.split)
    rows = []
    for cid in ids:
        competition = get_competition(cid)
        prepared = is_prepared(competition_paths(cid, args.data_dir), competition)
        rows.append(
            (cid, competition.complexity, competition.metric, "yes" if prepared else "no", _ready_text(competition))
        )
    print(_table(rows, ("id", "split", "metric", "prepared", "ready")))
    ready = sum(r[4] == "yes" for r in rows)
    print(f"\n{len(rows)} competitions in split {args.split!r}; {ready} ready, "
          f"{sum(r[3] == 'yes' for r in rows)} prepared.")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    from .competitions import get_competition, resolve_ids
    from .data import PrepareStatus, competition_paths, prepare_competition

    split = "lite" if args.lite else args.split
    if not args.competition and not split:
        print("mle-inspect prepare: give -c ID, --split NAME or --lite", file=sys.stderr)
        return 2
    ids = resolve_ids(split, args.competition)
    summary: list[tuple[str, str, str]] = []
    for n, cid in enumerate(ids, 1):
        competition = get_competition(cid)
        paths = competition_paths(cid, args.data_dir)
        started = time.monotonic()
        print(f"[{n}/{len(ids)}] {cid} -> {paths.prepared}", flush=True)
        try:
            status = prepare_competition(
                competition, paths, force=args.force, log=lambda m: print(f"    {m}", flush=True)
            )
        except KeyboardInterrupt:
            print("\ninterrupted: nothing half-written was left; rerun to resume.", file=sys.stderr)
            return 130
        except Exception as ex:  # noqa: BLE001 - summarised per competition, then exit 1
            summary.append((cid, "failed", str(ex)))
            print(f"    failed: {ex}", flush=True)
            continue
        detail = f"{time.monotonic() - started:.1f}s"
        if status is PrepareStatus.SKIPPED:
            detail = "use --force to prepare again"
        summary.append((cid, status.value, detail))
    print()
    print(_table(summary, ("competition", "status", "detail")))
    return 1 if any(s[1] == "failed" for s in summary) else 0


def cmd_grade(args: argparse.Namespace) -> int:
    from .scorers.grading import grade

    report = grade(args.competition, args.submission, data_dir=args.data_dir)
    print(json.dumps(report.to_json_dict(), indent=2))
    print(report.summary(), file=sys.stderr)
    return 0 if report.valid_submission else 1


def cmd_report(args: argparse.Namespace) -> int:
    from .report import summarize_logs

    text = summarize_logs([Path(p) for p in args.logs], latest=args.latest, samples=args.samples)
    print(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mle-inspect", description="MLE-bench as an Inspect AI eval suite."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    data_dir = dict(
        default=None,
        help="prepared data dir (default: $MLE_INSPECT_DATA_DIR or the user cache dir)",
    )

    p = sub.add_parser("list", help="list competitions: split, metric, prepared, ready")
    p.add_argument("--split", default="all", help="low, medium, high, all, dev, demo, lite (default all)")
    p.add_argument("--data-dir", **data_dir)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("prepare", help="prepare competitions into the data dir")
    p.add_argument("-c", "--competition", action="append", help="competition id (repeatable)")
    p.add_argument("--split", help="prepare every competition of a split")
    p.add_argument("--lite", action="store_true", help="same as --split lite")
    p.add_argument("--force", action="store_true", help="prepare again even if already prepared")
    p.add_argument("--data-dir", **data_dir)
    p.set_defaults(func=cmd_prepare)

    p = sub.add_parser("grade", help="grade one submission CSV (prints a JSON report)")
    p.add_argument("submission", help="path to the submission CSV")
    p.add_argument("-c", "--competition", required=True, help="competition id")
    p.add_argument("--data-dir", **data_dir)
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("report", help="summarise .eval logs: medals per split, mean ± SEM")
    p.add_argument("logs", nargs="+", help=".eval files or directories of them")
    p.add_argument("--latest", action="store_true", help="only the most recent log")
    p.add_argument("--samples", action="store_true", help="also one row per competition")
    p.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .competitions import UnknownCompetition
    from .scorers._errors import GradingError

    try:
        return int(args.func(args))
    except (UnknownCompetition, GradingError, FileNotFoundError) as ex:
        print(f"mle-inspect {args.command}: {ex}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
