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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .competitions import Competition


def _table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    cells = [list(map(str, header)), *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _ready_text(competition: Competition) -> str:
    missing = [
        part
        for part, ok in (
            ("grader", competition.ready_for_grading),
            ("prepare", competition.ready_for_prepare),
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
    from .competitions import resolve_ids

    split = "lite" if args.lite else args.split
    if not args.competition and not split:
        print("mle-inspect prepare: give -c ID, --split NAME or --lite", file=sys.stderr)
        return 2
    ids = resolve_ids(split, args.competition)
    if args.dry_run:
        return _prepare_dry_run(ids, args)
    return _prepare_run(ids, args)


def _prepare_dry_run(ids: list[str], args: argparse.Namespace) -> int:
    """What would happen, without credentials or network: for planning and for CI."""
    from .competitions import get_competition
    from .data import competition_paths, plan_competition
    from .data.checksums import checksums_for
    from .data.kaggle import CREDENTIALS_HELP, find_credentials, rules_url

    rows = []
    for cid in ids:
        paths = competition_paths(cid, args.data_dir)
        plan = plan_competition(get_competition(cid), paths, args.force)
        rows.append((cid, plan, checksums_for(cid).zip_md5 or "-"))
    print(_table(rows, ("competition", "would", "zip md5 (MLE-bench)")))
    downloads = [r[0] for r in rows if r[1].startswith("download")]
    print(f"\n{len(downloads)} of {len(rows)} competitions would be downloaded from Kaggle.")
    if downloads:
        where = find_credentials()
        print(f"Kaggle credentials: {where}" if where else "\n" + CREDENTIALS_HELP)
        print(
            "Accept each competition's rules on Kaggle before downloading, e.g. "
            f"{rules_url(downloads[0])}"
        )
    return 0


class _Reporter:
    """Log lines and per-stage progress; a rich progress bar on a terminal, lines elsewhere."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._bars: dict[tuple[str, str], object] = {}
        self._last: dict[tuple[str, str], int] = {}
        self._progress = None
        if sys.stdout.isatty():
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), DownloadColumn(), transient=False
            )
            self._progress.start()

    def log(self, message: str) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.console.print(f"    {message}", markup=False, highlight=False)
            else:
                print(f"    {message}", flush=True)

    def progress_for(self, cid: str):  # noqa: ANN202 - a Progress callback
        def report(stage: str, done: int, total: int) -> None:
            key = (cid, stage)
            with self._lock:
                if self._progress is not None:
                    if key not in self._bars:
                        self._bars[key] = self._progress.add_task(f"{cid}: {stage}", total=total)
                    self._progress.update(self._bars[key], completed=done, total=total)  # type: ignore[arg-type]
                    return
                step = int(10 * done / total) if total else 10
                if step > self._last.get(key, -1):
                    self._last[key] = step
                    print(f"    {cid}: {stage} {10 * step}%", flush=True)

        return report

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def _prepare_run(ids: list[str], args: argparse.Namespace) -> int:
    import os
    from concurrent.futures import ThreadPoolExecutor, wait

    from .competitions import get_competition
    from .data import PrepareStatus, competition_paths, prepare_competition
    from .data import kaggle as kaggle_client

    client = kaggle_client.KaggleApiClient()  # connects only when a download is needed
    reporter = _Reporter()

    def run(cid: str) -> tuple[str, str, str]:
        paths = competition_paths(cid, args.data_dir)
        started = time.monotonic()
        reporter.log(f"{cid} -> {paths.prepared}")
        try:
            status = prepare_competition(
                get_competition(cid),
                paths,
                force=args.force,
                log=reporter.log,
                client=client,
                skip_verify=args.skip_verify,
                mlebench_dir=args.mlebench_dir,
                progress=reporter.progress_for(cid),
            )
        except Exception as ex:  # noqa: BLE001 - summarised per competition, then exit 1
            reporter.log(f"{cid}: failed: {str(ex).splitlines()[0]}")
            return cid, "failed", str(ex)
        if status is PrepareStatus.SKIPPED:
            return cid, "skipped", "already prepared (use --force to prepare again)"
        return cid, "prepared", f"{time.monotonic() - started:.1f}s"

    summary: list[tuple[str, str, str]] = []
    jobs = max(1, args.jobs)
    try:
        if jobs == 1:
            summary = [run(cid) for cid in ids]
        else:
            pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="prepare")
            futures = [pool.submit(run, cid) for cid in ids]
            try:
                while wait(futures, timeout=0.5).not_done:
                    pass
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                reporter.close()
                print(
                    "\ninterrupted: unfinished work stays in temporary folders that the next run "
                    "removes; rerun to resume.",
                    file=sys.stderr,
                    flush=True,
                )
                sys.stdout.flush()
                os._exit(130)  # worker threads cannot be cancelled; nothing was renamed into place
            pool.shutdown()
            summary = [f.result() for f in futures]
    except KeyboardInterrupt:
        reporter.close()
        print("\ninterrupted: nothing half-written was left; rerun to resume.", file=sys.stderr)
        return 130
    reporter.close()
    print()
    short = [(c, s, d.splitlines()[0][:100] if d else d) for c, s, d in summary]
    print(_table(short, ("competition", "status", "detail")))
    failed = [(c, d) for c, s, d in summary if s == "failed"]
    counts = {s: sum(r[1] == s for r in summary) for s in ("prepared", "skipped", "failed")}
    print("\n" + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for cid, detail in failed:
        print(f"\n{cid}:\n  " + detail.replace("\n", "\n  "), file=sys.stderr)
    return 1 if failed else 0


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


def cmd_build_image(args: argparse.Namespace) -> int:
    from .sandboxes.image import ImageBuild, build_image

    build = ImageBuild(
        profile=args.profile,
        base_image=args.base_image,
        tag=args.tag,
        python=args.python,
        index_url=args.index_url,
        extra_index_url=args.extra_index_url,
        network=args.network,
        no_cache=args.no_cache,
    )
    if args.print:
        import shlex

        print(shlex.join(build.command()))
        return 0
    return build_image(build)


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
    p.add_argument("-j", "--jobs", type=int, default=1, help="competitions prepared in parallel")
    p.add_argument(
        "--dry-run", action="store_true", help="list what would be downloaded and prepared"
    )
    p.add_argument(
        "--skip-verify",
        action="store_true",
        help="accept archives and prepared files whose MD5 differs from MLE-bench's",
    )
    p.add_argument(
        "--mlebench-dir",
        default=None,
        help="MLE-bench checkout for description.md and leaderboard.csv "
        "(default: $MLE_INSPECT_MLEBENCH_DIR)",
    )
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

    from .sandboxes.image import DEFAULT_BASE_IMAGE, PROFILES

    p = sub.add_parser("build-image", help="build the agent image for -T sandbox=docker|k8s")
    p.add_argument("--profile", choices=PROFILES, default="light", help="package set (default light)")
    p.add_argument(
        "--base-image", default=DEFAULT_BASE_IMAGE, help=f"FROM image (default {DEFAULT_BASE_IMAGE})"
    )
    p.add_argument("--tag", default=None, help="image tag (default mle-inspect/agent:PROFILE)")
    p.add_argument("--python", default="python3.11", help="interpreter in the image")
    p.add_argument("--index-url", default=None, help="package index for pip inside the build")
    p.add_argument("--extra-index-url", default=None, help="extra package index for pip")
    p.add_argument("--network", default=None, help="docker build --network (e.g. host)")
    p.add_argument("--no-cache", action="store_true", help="rebuild every layer")
    p.add_argument("--print", action="store_true", help="print the docker command, do not run it")
    p.set_defaults(func=cmd_build_image)
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
