"""Prepare functions of the medium text competitions (questions, tags, sentences, notebooks)."""

from __future__ import annotations

import json
from pathlib import Path

from ...data.progress import counter
from ._common import (
    SEED,
    TableSplit,
    expect,
    need,
    read_csv,
    split,
    unpack_if_missing,
    write_csv,
    write_sample,
    zip_members,
)
from .m1_files import place_files

CHAII = TableSplit(
    source="train.csv",
    id_column="id",
    targets=("answer_start", "answer_text"),
    test_size=0.1,
)

FACEBOOK_III = TableSplit(
    source="Train.csv",
    id_column="Id",
    targets=("Tags",),
    test_size=0.1,
)
"""Read with every column as text (MLE-bench forces ``Id`` and ``Tags``; pandas infers text
for ``Title`` and ``Body``), so the same strings come out."""

FACEBOOK_SAMPLE_TAGS = "javascript c# python php java"

AI4CODE_TEST_NOTEBOOKS = 20_000
"""Notebooks MLE-bench holds out (whole ancestor families, greedily)."""

BILLION_WORD_LINES = 30_301_028
"""Lines of the real train_v2.txt; MLE-bench stops reading there and checks the total."""


def chaii_hindi_and_tamil_question_answering(raw: Path, public: Path, private: Path) -> None:
    """Answers are ``id`` + the answer text renamed ``PredictionString``."""
    frame = read_csv(need(raw / CHAII.source))
    train, test = split(frame, CHAII.test_size)
    write_csv(train, public / "train.csv")
    write_csv(test.drop(columns=list(CHAII.targets)), public / "test.csv")
    answers = test[["id", "answer_text"]].set_axis(["id", "PredictionString"], axis=1)
    write_csv(answers, private / "test.csv")
    write_sample(
        answers[["id"]], public / "sample_submission.csv", {"PredictionString": "dummy text"}
    )


FACEBOOK_CHUNK_ROWS = 100_000
FACEBOOK_BUCKET_ROWS = 250_000
"""Train.csv is about 7 GB of text: it is read in chunks and regrouped through bucket files
on disk, each holding at most this many rows (well under 1 GB in memory)."""


def facebook_recruiting_iii_keyword_extraction(raw: Path, public: Path, private: Path) -> None:
    """A plain 10% split of Train.csv (seed 0).

    Answers keep every column; the sample is the public test table plus a constant ``Tags`` column.

    Same rows, order and bytes as splitting the whole table in memory, without holding it:
    ``train_test_split`` draws its permutation from the row count alone, so we split row
    numbers, send each row to the bucket file of its output position, then sort and append
    bucket by bucket. Every column is read as text, which is what pandas infers for this
    table anyway (ids and tags are forced to text by MLE-bench); a value read back from a
    bucket is the same string, since anything pandas would read as missing already was.
    """
    import tempfile

    import numpy as np

    unpack_if_missing(raw, "Train.csv", "Train.zip")
    source = need(raw / FACEBOOK_III.source)
    columns = list(read_csv(source, nrows=0).columns)
    as_text = dict.fromkeys(columns, str)
    n_rows = sum(
        len(c)
        for c in read_csv(source, usecols=[columns[0]], dtype=str, chunksize=FACEBOOK_CHUNK_ROWS)
    )
    train_rows, test_rows = split(np.arange(n_rows), FACEBOOK_III.test_size)
    in_test = np.zeros(n_rows, dtype=bool)
    in_test[test_rows] = True
    position = np.empty(n_rows, dtype=np.int64)
    position[train_rows] = np.arange(len(train_rows))
    position[test_rows] = np.arange(len(test_rows))

    with tempfile.TemporaryDirectory(dir=private, prefix=".buckets-") as tmp:
        buckets = Path(tmp)
        start = 0
        rows_done = counter(total=n_rows, unit="rows", stage="split Train.csv")
        for chunk in read_csv(source, dtype=as_text, chunksize=FACEBOOK_CHUNK_ROWS):
            rows_done.update(len(chunk))
            rows = np.arange(start, start + len(chunk))
            start += len(chunk)
            chunk.insert(0, "__position", position[rows])
            keys = np.where(in_test[rows], "test", "train")
            numbers = position[rows] // FACEBOOK_BUCKET_ROWS
            for (part, number), piece in chunk.groupby([keys, numbers], sort=False):
                bucket = buckets / f"{part}-{number:06d}.csv"
                piece.to_csv(bucket, index=False, header=not bucket.exists(), mode="a")
        rows_done.close()
        expect(start == n_rows, "both passes see the same rows")

        tags = list(FACEBOOK_III.targets)
        outputs = {
            "train": [(public / "train.csv", lambda f: f)],
            "test": [
                (public / "test.csv", lambda f: f.drop(columns=tags)),
                (
                    public / "sample_submission.csv",
                    lambda f: f.drop(columns=tags).assign(Tags=FACEBOOK_SAMPLE_TAGS),
                ),
                (private / "test.csv", lambda f: f),
            ],
        }
        for part, targets in outputs.items():
            files = sorted(buckets.glob(f"{part}-*.csv"))
            first = True
            for bucket in files:
                frame = read_csv(bucket, dtype={"__position": np.int64} | as_text)
                frame = frame.sort_values("__position").drop(columns=["__position"])
                for path, shape in targets:
                    shape(frame).to_csv(path, index=False, header=first, mode="w" if first else "a")
                first = False
            if not files:  # an empty part still gets its header
                for path, shape in targets:
                    shape(read_csv(source, nrows=0, dtype=as_text)).to_csv(path, index=False)


def google_quest_challenge(raw: Path, public: Path, private: Path) -> None:
    """10% split, with Spearman kept defined.

    If ``question_type_spelling`` is constant in the test rows, the first test row trades places
    (values, not index) with the first train row where it is non-zero. Sample: each target a linear
    ramp from 0 to 1.
    """
    import numpy as np

    from .._catalog import get_competition

    grading = get_competition("google-quest-challenge").grading
    expect(grading is not None, "google-quest-challenge has a grading spec")
    classes = list(grading.target_columns) if grading else []
    frame = read_csv(need(raw / "train.csv"))
    train, test = split(frame, 0.1)
    if test["question_type_spelling"].nunique() == 1:
        donor = train[train["question_type_spelling"] != 0].index[0]
        held = test.iloc[0].copy()
        test.iloc[0] = train.loc[donor].copy()
        train.loc[donor] = held
    public_test = test.drop(classes, axis=1)
    answers = test[["qa_id", *classes]]
    sample = answers.copy()
    n = len(sample)
    sample[classes] = np.tile(np.linspace(0, 1, n)[:, None], (1, len(classes)))
    write_csv(answers, private / "test.csv")
    write_csv(train, public / "train.csv")
    write_csv(public_test, public / "test.csv")
    write_csv(sample, public / "sample_submission.csv")
    expect(len(train) + len(test) == len(frame), "split sizes add up")
    for column in classes:
        expect(answers[column].nunique() > 1, f"test column {column} is not constant")


def billion_word_imputation(raw: Path, public: Path, private: Path) -> None:
    """Stream train_v2.txt line by line with ``RandomState(0)``.

    A line goes to test when a uniform draw is <= 0.01 and it has more than two words; then one
    interior word (drawn with ``randint``) is removed for the public test. Public text files are
    re-zipped; the sample submission (= the public test file) stays in private/.
    """
    import numpy as np

    unpack_if_missing(raw, "train_v2.txt", "train_v2.txt.zip")
    rng = np.random.RandomState(SEED)
    train_txt, test_txt = public / "train_v2.txt", public / "test_v2.txt"
    header = '"id","sentence"\n'
    train_count = test_count = 0
    with (
        counter(total=BILLION_WORD_LINES, unit="lines", stage="split sentences") as lines,
        need(raw / "train_v2.txt").open(encoding="utf-8") as source,
        train_txt.open("w", encoding="utf-8") as train_out,
        test_txt.open("w", encoding="utf-8") as test_out,
        (private / "test.csv").open("w", encoding="utf-8") as answers_out,
    ):
        test_out.write(header)
        answers_out.write(header)
        for line in source:
            # the draw comes first: every line consumes one, as in the original
            if rng.uniform() <= 0.01 and len(line.strip().split()) > 2:
                sentence = line.strip().replace('"', '""')
                words = sentence.split()
                cut = rng.randint(1, len(words) - 1)
                shortened = " ".join(words[:cut] + words[cut + 1 :])
                answers_out.write(f'{test_count},"{sentence}"\n')
                test_out.write(f'{test_count},"{shortened}"\n')
                test_count += 1
            else:
                train_out.write(line)
                train_count += 1
            lines.update()
            if train_count + test_count >= BILLION_WORD_LINES:
                break
    (private / "sample_submission.csv").write_bytes(test_txt.read_bytes())
    for path in (train_txt, test_txt):
        zip_members(path.with_name(path.name + ".zip"), [(path, path.name)])
        path.unlink()
    if train_count + test_count >= BILLION_WORD_LINES:  # the real file only
        expect(train_count + test_count == BILLION_WORD_LINES, "every line is train or test")


def ai4code(raw: Path, public: Path, private: Path) -> None:
    """Shuffle the ancestry table (seed 0), then fill the test set with whole ancestor families.

    Families are taken greedily in order of first appearance, up to exactly 20,000 notebooks.
    """
    import pandas as pd

    ancestors = read_csv(need(raw / "train_ancestors.csv"))
    ancestors = ancestors.sample(frac=1, random_state=SEED).reset_index(drop=True)
    families: dict[object, list[object]] = {}
    for notebook, ancestor in zip(ancestors["id"], ancestors["ancestor_id"], strict=True):
        families.setdefault(ancestor, []).append(notebook)
    train_ids: list[object] = []
    test_ids: list[object] = []
    for members in families.values():
        if len(test_ids) + len(members) <= AI4CODE_TEST_NOTEBOOKS:
            test_ids.extend(members)
        else:
            train_ids.extend(members)
    expect(len(test_ids) == AI4CODE_TEST_NOTEBOOKS, f"{AI4CODE_TEST_NOTEBOOKS} test notebooks")
    source = need(raw / "train")
    place_files(
        ((source / f"{i}.json", public / "train" / f"{i}.json") for i in train_ids),
        total=len(train_ids),
    )
    place_files(
        ((source / f"{i}.json", public / "test" / f"{i}.json") for i in test_ids),
        total=len(test_ids),
    )

    orders = read_csv(need(raw / "train_orders.csv"))
    write_csv(orders[orders["id"].isin(train_ids)], public / "train_orders.csv")
    test_orders = orders[orders["id"].isin(test_ids)]
    write_csv(test_orders, private / "test_orders.csv")
    write_csv(ancestors[~ancestors["id"].isin(test_ids)], public / "train_ancestors.csv")

    rows = []
    for notebook in test_orders["id"]:
        with (public / "test" / f"{notebook}.json").open(encoding="utf-8") as handle:
            cells = list(json.load(handle)["cell_type"].keys())
        rows.append({"id": notebook, "cell_order": " ".join(cells)})
    sample = pd.DataFrame(rows, columns=["id", "cell_order"])
    write_csv(sample, public / "sample_submission.csv")
    expect(len(sample) == len(test_ids), "one sample row per test notebook")
