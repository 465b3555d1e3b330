"""Prepare functions of the medium table competitions.

Molecules, purchases, neutrino events and cdiscount's product stream. Large inputs are read in
chunks so memory stays flat.
"""

from __future__ import annotations

import shutil
from array import array
from pathlib import Path

from ...data.progress import counter, progress
from ._common import expect, need, read_csv, split, write_csv, write_sample
from .m1_files import place_files, place_tree

CHAMPS_EXTRA = (
    "structures",
    "dipole_moments",
    "magnetic_shielding_tensors",
    "mulliken_charges",
    "potential_energy",
    "scalar_coupling_contributions",
)
"""Auxiliary tables, kept for the train molecules only (MLE-bench's known limitation)."""

CHUNK_ROWS = 1_000_000
"""Rows per chunk when streaming big CSV/parquet inputs."""


def champs_scalar_coupling(raw: Path, public: Path, private: Path) -> None:
    """Split whole molecules.

    ``groupby`` (sorted names) then ``train_test_split`` of the groups; each part is the
    concatenation of its groups in split order.
    """
    import pandas as pd

    frame = read_csv(need(raw / "train.csv"))
    groups = list(frame.groupby("molecule_name"))
    train_groups, test_groups = split(groups, 0.1)
    train = pd.concat([g for _, g in train_groups])
    answers = pd.concat([g for _, g in test_groups])
    test = answers.drop(columns=["scalar_coupling_constant"])
    expect(set(train["molecule_name"]).isdisjoint(test["molecule_name"]), "molecules disjoint")
    kept = train["molecule_name"]
    extras = {}
    for name in CHAMPS_EXTRA:
        table = read_csv(need(raw / f"{name}.csv"))
        extras[name] = table[table["molecule_name"].isin(kept)]
    molecules = kept.unique()
    place_files(
        ((raw / "structures" / f"{m}.xyz", public / "structures" / f"{m}.xyz") for m in molecules),
        total=len(molecules),
    )
    write_csv(answers, private / "answers.csv")
    write_csv(train, public / "train.csv")
    write_csv(test, public / "test.csv")
    write_sample(test[["id"]], public / "sample_submission.csv", {"scalar_coupling_constant": 0})
    for name, table in extras.items():
        write_csv(table, public / f"{name}.csv")


def h_and_m_personalized_fashion_recommendations(raw: Path, public: Path, private: Path) -> None:
    """Test = purchases on or after (last date - 7 days).

    Answers = each test customer's article ids (integers, as pandas parses them) joined by spaces,
    customers sorted.

    Streamed in chunks: one pass for the last date, one to write train and keep test rows.
    Train and test are disjoint by date, so MLE-bench's purchase-id overlap check holds by
    construction and is not recomputed.
    """
    import pandas as pd

    source = need(raw / "transactions_train.csv")
    max_date = None
    for chunk in read_csv(source, usecols=["t_dat"], chunksize=CHUNK_ROWS):
        latest = pd.to_datetime(chunk["t_dat"]).max()
        max_date = latest if max_date is None or latest > max_date else max_date
    expect(max_date is not None, "transactions_train.csv has rows")
    cutoff = max_date - pd.Timedelta(days=7)
    tests = []
    out = public / "transactions_train.csv"
    header = True
    for chunk in progress(
        read_csv(source, chunksize=CHUNK_ROWS), unit="chunks", stage="split transactions"
    ):
        recent = pd.to_datetime(chunk["t_dat"]) >= cutoff
        chunk[~recent].to_csv(out, index=False, header=header, mode="w" if header else "a")
        header = False
        tests.append(chunk[recent])
    test = pd.concat(tests)
    answers = (
        test.groupby("customer_id")["article_id"]
        .apply(lambda x: " ".join(x.astype(str)))
        .reset_index()
        .rename(columns={"article_id": "prediction"})
    )
    expect(answers["customer_id"].is_unique, "one answer row per customer")
    write_csv(answers, private / "answers.csv")
    for name in ("sample_submission.csv", "articles.csv", "customers.csv"):
        shutil.copyfile(need(raw / name), public / name)
    if (raw / "images").is_dir():
        place_tree(raw / "images", public / "images")


def icecube_neutrinos_in_deep_ice(raw: Path, public: Path, private: Path) -> None:
    """10% of the training batches (``unique`` order, seed 0) become the test.

    Batch pulse files are placed by batch id. Streamed by parquet row group.

    MLE-bench writes the meta tables with fastparquet; we write them with pyarrow (same
    rows and columns, different file bytes: their MD5s cannot match, see docs/data.md).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(need(raw / "train_meta.parquet"))
    seen: dict[int, None] = {}
    for batch in meta.iter_batches(batch_size=CHUNK_ROWS, columns=["batch_id"]):
        seen.update(dict.fromkeys(pd.unique(batch.column(0).to_numpy()).tolist()))
    batch_ids = np.array(
        list(seen), dtype=meta.schema_arrow.field("batch_id").type.to_pandas_dtype()
    )
    train_ids, test_ids = split(batch_ids, 0.1)
    train_set, test_set = set(train_ids.tolist()), set(test_ids.tolist())

    writers: dict[str, pq.ParquetWriter] = {}
    header = True
    try:
        rows = counter(total=meta.metadata.num_rows, unit="rows", stage="split events")
        for batch in meta.iter_batches(batch_size=CHUNK_ROWS):
            rows.update(batch.num_rows)
            frame = batch.to_pandas()
            train = frame[frame["batch_id"].isin(train_set)].reset_index(drop=True)
            test = frame[frame["batch_id"].isin(test_set)].reset_index(drop=True)
            for name, part in (
                ("train_meta", train),
                ("test_meta", test.drop(columns=["azimuth", "zenith"])),
            ):
                table = pa.Table.from_pandas(part, preserve_index=False)
                if name not in writers:
                    writers[name] = pq.ParquetWriter(public / f"{name}.parquet", table.schema)
                writers[name].write_table(table)
            answers = test[["event_id", "azimuth", "zenith"]]
            sample = answers.assign(azimuth=1, zenith=1)
            mode = "w" if header else "a"
            answers.to_csv(private / "test.csv", index=False, header=header, mode=mode)
            sample.to_csv(public / "sample_submission.csv", index=False, header=header, mode=mode)
            header = False
    finally:
        rows.close()
        for writer in writers.values():
            writer.close()
    shutil.copyfile(need(raw / "sensor_geometry.csv"), public / "sensor_geometry.csv")
    pairs = []
    for path in sorted(need(raw / "train").glob("*.parquet")):
        batch_id = int(path.stem.split("_")[-1])
        if batch_id in train_set:
            pairs.append((path, public / "train" / path.name))
        elif batch_id in test_set:
            pairs.append((path, public / "test" / path.name))
    (public / "train").mkdir(exist_ok=True)
    (public / "test").mkdir(exist_ok=True)
    place_files(pairs)


CDISCOUNT_SAMPLE_CATEGORY = 1000010653
CDISCOUNT_EXAMPLE_ROWS = 100


def cdiscount_image_classification_challenge(raw: Path, public: Path, private: Path) -> None:
    """10% of the products (seed 0) become the test; answers sorted by ``_id``.

    train.bson and test.bson keep raw order; test documents lose ``category_id``; train_example.bson
    is the first 100 documents of the new train.bson. One streaming pass over the raw file.
    """
    import numpy as np
    import pandas as pd

    from .m1_bson import int_field, iter_documents, read_ids, without

    source = need(raw / "train.bson")
    ids, categories = array("q"), array("q")
    for product, category in read_ids(source, "_id", "category_id"):
        ids.append(product)
        categories.append(category)
    frame = pd.DataFrame({"_id": np.asarray(ids), "category_id": np.asarray(categories)})
    del ids, categories
    train, answers = split(frame, 0.1)
    answers = answers.sort_values(by="_id")
    expect(set(train["_id"]).isdisjoint(answers["_id"]), "product ids are disjoint")
    write_csv(answers, private / "answers.csv")
    write_sample(
        answers[["_id"]],
        public / "sample_submission.csv",
        {"category_id": CDISCOUNT_SAMPLE_CATEGORY},
    )
    test_ids = set(answers["_id"].tolist())
    del frame, train, answers

    written = 0
    with (
        source.open("rb") as handle,
        (public / "train.bson").open("wb") as train_out,
        (public / "test.bson").open("wb") as test_out,
        (public / "train_example.bson").open("wb") as example_out,
    ):
        done = counter(total=source.stat().st_size, unit="bytes", stage="write bson")
        for document in iter_documents(handle):
            done.update(len(document))
            if int_field(document, "_id") in test_ids:
                test_out.write(without(document, "category_id"))
            else:
                train_out.write(document)
                if written < CDISCOUNT_EXAMPLE_ROWS:
                    example_out.write(document)
                    written += 1
        done.close()
    shutil.copyfile(need(raw / "category_names.csv"), public / "category_names.csv")
