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
from typing import TYPE_CHECKING, Any

from ._table import text_table

if TYPE_CHECKING:
    from rich.progress import ProgressColumn, Task, TaskID
    from rich.text import Text

    from .competitions import Competition
    from .data._context import ProgressSink


_table = text_table


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
    """List a split's competitions and whether each is prepared."""
    from .competitions import get_competition, split_ids
    from .data import competition_paths, is_prepared

    ids = split_ids(args.split)
    rows = []
    for cid in ids:
        competition = get_competition(cid)
        prepared = is_prepared(competition_paths(cid, args.data_dir), competition)
        rows.append(
            (
                cid,
                competition.complexity,
                competition.metric,
                "yes" if prepared else "no",
                _ready_text(competition),
            )
        )
    print(_table(rows, ("id", "split", "metric", "prepared", "ready")))
    ready = sum(r[4] == "yes" for r in rows)
    print(
        f"\n{len(rows)} competitions in split {args.split!r}; {ready} ready, "
        f"{sum(r[3] == 'yes' for r in rows)} prepared."
    )
    others = [s for s in _LIST_SPLITS if set(split_ids(s)) - set(ids)]
    if others:
        shown = ", ".join(f"--split {s} ({len(split_ids(s))})" for s in others)
        print(f"Other splits: {shown}.")
    return 0


_LIST_SPLITS = ("full", "dev", "demo")
"""The splits ``list`` points to: together they hold every registered competition."""


def cmd_prepare(args: argparse.Namespace) -> int:
    """Download and prepare competitions (resumable); ``--dry-run`` only prints the plan."""
    from .competitions import resolve_ids

    split = "lite" if args.lite else args.split
    if not args.competition and not split:
        print("mle-inspect prepare: give -c ID, --split NAME or --lite", file=sys.stderr)
        return 2
    ids = resolve_ids(split, args.competition)
    if args.dry_run:
        return _prepare_dry_run(ids, args)
    status = _prepare_run(ids, args)
    if args.kernels:  # the similarity check's public kernels (mle_inspect.integrity.kernels)
        from .integrity.kernels import prepare_kernels

        status = max(status, prepare_kernels(ids, args.data_dir, args.mlebench_dir))
    return status


def _prepare_dry_run(ids: list[str], args: argparse.Namespace) -> int:
    """What would happen, without credentials or network: for planning and for CI."""
    from .competitions import get_competition
    from .data import competition_paths, plan_competition
    from .data.checksums import checksums_for
    from .data.kaggle import CREDENTIALS_HELP, find_credentials, rules_url
    from .data.sizes import human_bytes, sizes_for

    rows = []
    needed: list[tuple[int, bool] | None] = []
    for cid in ids:
        paths = competition_paths(cid, args.data_dir)
        plan = plan_competition(get_competition(cid), paths, args.force)
        size = sizes_for(cid)
        disk = _disk_needed(plan, size.download, size.prepared)
        needed.append(disk)
        rows.append(
            (
                cid,
                plan,
                human_bytes(size.download),
                human_bytes(size.prepared),
                _disk_text(disk),
                checksums_for(cid).zip_md5 or "-",
            )
        )
    header = ("competition", "would", "download", "prepared", "disk needed", "zip md5 (MLE-bench)")
    print(_table(rows, header))
    known = [n for n in needed if n is not None]
    unknown = len(needed) - len(known)
    total = sum(n for n, _ in known)
    lower = unknown or not all(exact for _, exact in known)
    amount = "unknown" if not known or (unknown and total == 0) else human_bytes(total)
    line = f"Total disk needed: {'at least ' if lower and amount != 'unknown' else ''}{amount}"
    if unknown:
        line += f" ({unknown} of {len(needed)} competitions have no download size on record)"
    print(f"\n{line}.")
    print(
        "Disk needed = Kaggle archive + its extraction (at least as large) + prepared copy, "
        "from the size facts in mle_inspect/data/sizes.tsv; '>=' where the prepared size is "
        "unknown."
    )
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


def _amount(done: float, total: float | None, unit: str) -> str:
    """``1.2/3.4 GB`` for bytes, ``120/4,000 files`` otherwise."""
    if unit == "bytes":
        from .data.sizes import human_bytes

        return f"{human_bytes(int(done))}/{human_bytes(int(total)) if total else '?'}"
    return f"{int(done):,}/{f'{int(total):,}' if total else '?'} {unit}"


def _progress_text(done: int, total: int | None, unit: str, elapsed: float) -> str:
    """A progress line for logs (no terminal): percent, amount, rate and ETA."""
    percent = f"{100 * done / total:.0f}% " if total else ""
    text = f"{percent}{_amount(done, total, unit)}"
    if done and elapsed > 0 and total and done < total:
        text += f", eta {(total - done) * elapsed / done:.0f}s"
    return text


def _amount_column() -> ProgressColumn:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Amount(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(_amount(task.completed, task.total, task.fields.get("unit", "bytes")))

    return Amount()


def _disk_needed(plan: str, download: int | None, prepared: int | None) -> tuple[int, bool] | None:
    """Bytes a plan needs and whether the figure is exact (False: a lower bound); None: unknown.

    A download needs room for the archive and its extraction (counted as large as the
    archive: a lower bound), an extraction for the extracted files, then the prepared copy.
    """
    if plan.startswith(("skip", "cannot")):
        return 0, True
    if plan.startswith("download"):
        raw = None if download is None else 2 * download
    elif plan.startswith("verify and extract"):
        raw = download
    else:
        raw = 0  # raw/ is already there, or nothing is downloaded (demo)
    if raw is None:
        return None
    return raw + (prepared or 0), prepared is not None


def _disk_text(disk: tuple[int, bool] | None) -> str:
    from .data.sizes import human_bytes

    if disk is None:
        return "unknown"
    return ("" if disk[1] else ">= ") + human_bytes(disk[0])


class _Reporter:
    """Log lines and per-stage progress; a rich progress bar on a terminal, lines elsewhere."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._bars: dict[tuple[str, str], TaskID] = {}
        self._last: dict[tuple[str, str], int] = {}
        self._started: dict[tuple[str, str], float] = {}
        self._printed: dict[tuple[str, str], float] = {}
        self._progress = None
        if sys.stdout.isatty():
            from rich.progress import (
                BarColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                _amount_column(),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                transient=False,
            )
            self._progress.start()

    def log(self, message: str) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.console.print(f"    {message}", markup=False, highlight=False)
            else:
                print(f"    {message}", flush=True)

    def progress_for(self, cid: str) -> ProgressSink:
        """A sink ``(stage, done, total, unit)``: one bar per competition and stage."""

        def report(stage: str, done: int, total: int | None, unit: str = "bytes") -> None:
            key = (cid, stage)
            with self._lock:
                if self._progress is not None:
                    if key not in self._bars:
                        self._bars[key] = self._progress.add_task(
                            f"{cid}: {stage}", total=total, unit=unit
                        )
                        self._started[key] = time.monotonic()
                    self._progress.update(self._bars[key], completed=done, total=total)
                    return
                now = time.monotonic()
                started = self._started.setdefault(key, now)
                finished = total is not None and done >= total
                # in logs: the end of each stage, and a line at most every 5 s in between
                if done == 0 or (not finished and now - self._printed.get(key, started) < 5):
                    return
                if finished and self._last.get(key) == done:
                    return
                self._last[key] = done
                self._printed[key] = now
                text = _progress_text(done, total, unit, now - started)
                print(f"    {cid}: {stage} {text}", flush=True)

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
    """Grade one submission, or a batch from a JSONL file; the exit code says which failed."""
    if args.submissions:
        return _grade_batch(args)
    if not args.submission or not args.competition:
        print(
            "mle-inspect grade: give SUBMISSION -c ID, or --submissions FILE.jsonl --output-dir DIR",
            file=sys.stderr,
        )
        return 2
    from .scorers.grading import grade

    report = grade(args.competition, args.submission, data_dir=args.data_dir)
    print(json.dumps(report.to_json_dict(), indent=2))
    print(report.summary(), file=sys.stderr)
    return 0 if report.valid_submission else 1


def _grade_batch(args: argparse.Namespace) -> int:
    """MLE-bench's ``mlebench grade``: a JSONL of submissions in, one grading report out."""
    from .reporting.grading_report import grade_submissions

    if args.submission or args.competition:
        print(
            "mle-inspect grade: --submissions grades a JSONL; drop SUBMISSION and -c",
            file=sys.stderr,
        )
        return 2
    try:
        path, entries = grade_submissions(args.submissions, args.output_dir, data_dir=args.data_dir)
    except ValueError as ex:  # a malformed JSONL line
        print(f"mle-inspect grade: {ex}", file=sys.stderr)
        return 2
    rows = [
        (
            e.competition_id,
            "-" if e.score is None else f"{e.score:g}",
            "yes" if e.valid_submission else "no",
            next((m for m in ("gold", "silver", "bronze") if getattr(e, f"{m}_medal")), "-"),
        )
        for e in entries
    ]
    print(_table(rows, ("competition", "score", "valid", "medal")))
    medals = sum(e.any_medal for e in entries)
    valid = sum(e.valid_submission for e in entries)
    print(f"\n{len(entries)} submissions: {valid} valid, {medals} medals. Grading report: {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Summarise eval logs: medal rates per split, mean ± SEM over seeds."""
    from .reporting import build_reports, render

    if args.expected_seeds is not None and args.expected_seeds < 1:
        print("mle-inspect report: --expected-seeds must be at least 1", file=sys.stderr)
        return 2
    reports = build_reports(
        [Path(p) for p in args.logs],
        expected_seeds=args.expected_seeds,
        latest=args.latest,
        integrity=not args.no_integrity,
        split=args.split,
        exclude_flagged=args.exclude_flagged,
    )
    samples = args.samples if args.format == "csv" else not args.no_samples
    print(render(reports, args.format, samples=samples))
    if args.grading_report:
        from .reporting import write_grading_reports

        written = write_grading_reports(reports, Path(args.grading_report))
        print(
            f"wrote {len(written)} MLE-bench grading report(s) under {args.grading_report}",
            file=sys.stderr,
        )
    if args.plot:
        from .reporting import PlotUnavailable, plot_reports

        try:
            drawn = plot_reports(reports, Path(args.plot))
        except PlotUnavailable as ex:
            print(f"mle-inspect report: {ex}", file=sys.stderr)
            return 2
        print("wrote " + ", ".join(map(str, drawn)), file=sys.stderr)
    return 0


def cmd_build_image(args: argparse.Namespace) -> int:
    """Build the agent sandbox image for the chosen profile."""
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
    """The ``mle-inspect`` argument parser, one subcommand per ``cmd_*`` function."""
    parser = argparse.ArgumentParser(
        prog="mle-inspect", description="MLE-bench as an Inspect AI eval suite."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    data_dir: dict[str, Any] = dict(
        default=None,
        help="prepared data dir (default: $MLE_INSPECT_DATA_DIR or the user cache dir)",
    )

    p = sub.add_parser("list", help="list competitions: split, metric, prepared, ready")
    p.add_argument(
        "--split",
        default="full",
        help="full (= all: the 75 benchmark competitions, the default), low (= lite), "
        "medium, high, dev (7 more from MLE-bench) or demo (4 offline ones)",
    )
    p.add_argument("--data-dir", **data_dir)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("prepare", help="prepare competitions into the data dir")
    p.add_argument("-c", "--competition", action="append", help="competition id (repeatable)")
    p.add_argument(
        "--split",
        help="prepare every competition of a split: full (= all), low (= lite), "
        "medium, high, dev or demo",
    )
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
    p.add_argument(
        "--kernels",
        action="store_true",
        help="also download each competition's top public Kaggle kernels (MLE-bench's list "
        "with --mlebench-dir, else the most-voted) for the similarity check",
    )
    p.set_defaults(func=cmd_prepare)

    p = sub.add_parser(
        "grade",
        help="grade one submission CSV (prints a JSON report), or a submissions JSONL "
        "like `mlebench grade` (writes a grading report)",
    )
    p.add_argument("submission", nargs="?", help="path to the submission CSV")
    p.add_argument("-c", "--competition", help="competition id (with SUBMISSION)")
    p.add_argument(
        "--submissions",
        help="JSONL of {competition_id, submission_path} lines, as for `mlebench grade`",
    )
    p.add_argument(
        "--output-dir", default=".", help="where --submissions writes <time>_grading_report.json"
    )
    p.add_argument("--data-dir", **data_dir)
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser(
        "report", help="MLE-bench-comparable results from logs: per split, mean ± SEM over seeds"
    )
    p.add_argument("logs", nargs="+", help="log files and folders, in any mix")
    p.add_argument(
        "--format",
        choices=("text", "json", "csv", "markdown"),
        default="text",
        help="output format",
    )
    p.add_argument(
        "--expected-seeds",
        type=int,
        default=None,
        help="runs expected per competition; missing ones count as failures",
    )
    p.add_argument(
        "--split",
        default=None,
        help="expect every competition of this split (e.g. full, lite): ones no log holds "
        "count as failures",
    )
    p.add_argument(
        "--grading-report",
        metavar="DIR",
        help="also write one MLE-bench grading report per seed (DIR/seed_<n>/)",
    )
    p.add_argument(
        "--plot",
        metavar="FILE",
        help="draw medal rates and a percentile heat map (.png etc. with matplotlib, "
        ".html with plotly)",
    )
    p.add_argument("--latest", action="store_true", help="only the most recent log")
    p.add_argument(
        "--no-samples", action="store_true", help="leave out the competition × seed table"
    )
    p.add_argument(
        "--samples", action="store_true", help="csv: one row per run instead of per split"
    )
    p.add_argument(
        "--no-integrity", action="store_true", help="skip counting validate_submission calls"
    )
    p.add_argument(
        "--exclude-flagged",
        action="store_true",
        help="count runs flagged by mle_inspect/rule_judge or mle_inspect/similarity as "
        "failed attempts (disqualified, as in MLE-bench)",
    )
    p.set_defaults(func=cmd_report)

    from .sandboxes.image import DEFAULT_BASE_IMAGE, MLEBENCH_BASE_IMAGE, PROFILES

    p = sub.add_parser("build-image", help="build the agent image for -T sandbox=docker|k8s")
    p.add_argument(
        "--profile", choices=PROFILES, default="light", help="package set (default light)"
    )
    p.add_argument(
        "--base-image",
        default=None,
        help=f"FROM image (default {DEFAULT_BASE_IMAGE}; mlebench: {MLEBENCH_BASE_IMAGE})",
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
    """Entry point of ``mle-inspect``; expected failures print one line and exit non-zero."""
    args = build_parser().parse_args(argv)
    from .competitions import UnknownCompetition
    from .scorers._errors import GradingError

    try:
        return int(args.func(args))
    except (UnknownCompetition, GradingError, FileNotFoundError) as ex:
        print(f"mle-inspect {args.command}: {_error_line(ex)}", file=sys.stderr)
        return 2


def _error_line(ex: Exception) -> str:
    """One line for the user: an OS error's ``[Errno 2] ...`` becomes ``no such file: PATH``."""
    if isinstance(ex, FileNotFoundError) and ex.filename and str(ex).startswith("[Errno"):
        return f"no such file: {ex.filename}"
    return str(ex) or type(ex).__name__


if __name__ == "__main__":
    sys.exit(main())
