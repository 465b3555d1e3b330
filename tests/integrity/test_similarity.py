"""Calibration of the winnowing similarity on known pairs, and the similarity scorer."""

from __future__ import annotations

import re
from pathlib import Path

from mle_inspect.integrity.similarity import FLAG_OVERLAP, compare, fingerprint, normalise

KERNEL = """\
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold

# load the data
train = pd.read_csv("/kaggle/input/titanic/train.csv")
test = pd.read_csv("/kaggle/input/titanic/test.csv")

def add_features(df):
    df["FamilySize"] = df["SibSp"] + df["Parch"] + 1
    df["IsAlone"] = (df["FamilySize"] == 1).astype(int)
    df["Title"] = df["Name"].str.extract(r" ([A-Za-z]+)\\.", expand=False)
    df["Title"] = df["Title"].replace(["Lady", "Countess", "Capt", "Col"], "Rare")
    df["Fare"] = df["Fare"].fillna(df["Fare"].median())
    df["Age"] = df.groupby("Title")["Age"].transform(lambda s: s.fillna(s.median()))
    df["Sex"] = df["Sex"].map({"male": 0, "female": 1})
    return df

train = add_features(train)
test = add_features(test)
features = ["Pclass", "Sex", "Age", "Fare", "FamilySize", "IsAlone"]
X = train[features].values
y = train["Survived"].values
oof = np.zeros(len(train))
preds = np.zeros(len(test))
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
for fold, (trn_idx, val_idx) in enumerate(folds.split(X, y)):
    model = RandomForestClassifier(n_estimators=500, max_depth=7, random_state=fold)
    model.fit(X[trn_idx], y[trn_idx])
    oof[val_idx] = model.predict_proba(X[val_idx])[:, 1]
    preds += model.predict_proba(test[features].values)[:, 1] / folds.n_splits
print("CV accuracy", ((oof > 0.5) == y).mean())
submission = pd.DataFrame({"PassengerId": test["PassengerId"], "Survived": (preds > 0.5).astype(int)})
submission.to_csv("submission.csv", index=False)
"""

INDEPENDENT = """\
import os
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_score

DATA = os.environ.get("MLE_DATA_DIR", "/home/data")
train_df = pd.read_csv(os.path.join(DATA, "train.csv"))
test_df = pd.read_csv(os.path.join(DATA, "test.csv"))
numeric = ["Age", "Fare", "SibSp", "Parch"]
categorical = ["Sex", "Embarked", "Pclass"]
pre = ColumnTransformer([
    ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
    ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                          OneHotEncoder(handle_unknown="ignore")), categorical),
])
clf = make_pipeline(pre, LogisticRegression(C=0.5, max_iter=2000))
scores = cross_val_score(clf, train_df[numeric + categorical], train_df["Survived"], cv=5)
print(f"cv {scores.mean():.4f} +- {scores.std():.4f}")
clf.fit(train_df[numeric + categorical], train_df["Survived"])
out = test_df[["PassengerId"]].copy()
out["Survived"] = clf.predict(test_df[numeric + categorical])
os.makedirs("/home/submission", exist_ok=True)
out.to_csv("/home/submission/submission.csv", index=False)
"""


def renamed_copy(source: str) -> str:
    """The kernel with every local name changed, comments gone and lines re-spaced."""
    names = {
        "train": "tr_df", "test": "te_df", "add_features": "make_cols", "df": "frame",
        "features": "cols", "X": "xs", "y": "target", "oof": "out_of_fold", "preds": "p",
        "folds": "kf", "fold": "k", "trn_idx": "a", "val_idx": "b", "model": "rf",
        "submission": "sub", "s": "col",
    }  # fmt: skip
    renamed = re.sub(r"#[^\n]*", "", source)
    renamed = re.sub(
        r"(?<![\w.\"])([A-Za-z_]\w*)(?![\w\"])",
        lambda m: names.get(m.group(1), m.group(1)),
        renamed,
    )
    return renamed.replace(" = ", "=").replace("\n\n", "\n")


def test_normalising_ignores_names_comments_and_layout_but_keeps_attributes() -> None:
    a = [t.text for t in normalise("x = pd.read_csv('a.csv')  # load\n")]
    b = [t.text for t in normalise('frame=pd.read_csv("other.csv")\n')]
    assert a == b == ["V", "=", "V", ".", "read_csv", "(", "S", ")"]


def test_a_renamed_copy_of_a_kernel_scores_high() -> None:
    copy = renamed_copy(KERNEL)
    assert "add_features" not in copy and "trn_idx" not in copy  # the renaming happened
    result = compare([fingerprint("agent.py", copy)], fingerprint("kernel.py", KERNEL))
    assert result.overlap >= 0.9
    assert result.flagged
    assert result.fragments and result.fragments[0].agent_file == "agent.py"


def test_a_kernel_pasted_into_a_larger_program_is_still_found() -> None:
    agent = INDEPENDENT + "\n\n" + renamed_copy(KERNEL)
    result = compare([fingerprint("agent.py", agent)], fingerprint("kernel.py", KERNEL))
    assert result.overlap >= 0.9
    assert result.jaccard < result.overlap  # the union is larger: Jaccard alone would miss it
    first = result.fragments[0]
    assert first.agent_lines[0] > INDEPENDENT.count("\n")  # the fragment is the pasted part


def test_an_independent_solution_to_the_same_task_scores_low() -> None:
    result = compare([fingerprint("agent.py", INDEPENDENT)], fingerprint("kernel.py", KERNEL))
    assert result.overlap < 0.2 < FLAG_OVERLAP
    assert not result.flagged


def test_code_that_does_not_tokenise_is_still_compared() -> None:
    broken = KERNEL + "\ndef unfinished(:\n    '''never closed\n"
    result = compare([fingerprint("agent.py", broken)], fingerprint("kernel.py", KERNEL))
    assert result.overlap >= 0.8


def test_similarity_scorer_reports_the_top_matches(tmp_path: Path) -> None:
    import anyio

    from mle_inspect.integrity.export import ExportedFile
    from mle_inspect.integrity.similarity_scorer import compare_with_kernels

    kernels = tmp_path / "kernels"
    kernels.mkdir()
    (kernels / "alice_titanic-rf.py").write_text(KERNEL)
    (kernels / "bob_other.py").write_text(INDEPENDENT.replace("LogisticRegression", "SVC"))
    files = [ExportedFile(path="/home/code/main.py", size=1, content=renamed_copy(KERNEL))]

    report = anyio.run(compare_with_kernels, files, kernels, 3)

    assert report.kernels == 2
    assert report.top[0].kernel == "alice_titanic-rf.py"
    assert report.top[0].flagged and report.top[0].overlap >= 0.9
    assert report.top[0].fragments[0].agent_file == "/home/code/main.py"
    assert report.max_overlap == report.top[0].overlap


def test_similarity_scorer_flags_a_copied_kernel_in_a_log(tmp_path: Path) -> None:
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai import score as inspect_score
    from inspect_ai.dataset import Sample
    from inspect_ai.solver import Generate, Solver, TaskState, solver

    from mle_inspect.integrity.export import CodeExport, ExportedFile
    from mle_inspect.integrity.kernels import kernels_dir
    from mle_inspect.integrity.similarity_scorer import similarity

    folder = kernels_dir(tmp_path, "demo-digits")
    folder.mkdir(parents=True)
    (folder / "alice_titanic-rf.py").write_text(KERNEL)

    @solver
    def copier() -> Solver:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            export = CodeExport()
            export.files = [
                ExportedFile(path="/home/code/a.py", size=1, content=renamed_copy(KERNEL))
            ]
            export.done = True
            return state

        return solve

    sample = Sample(
        input="x", id="s1", metadata={"competition_id": "demo-digits", "data_dir": str(tmp_path)}
    )
    [log] = inspect_eval(
        Task(dataset=[sample], solver=copier()), model="none/none", log_dir=str(tmp_path / "logs"),
        display="none",
    )  # fmt: skip
    [scored] = inspect_score(log, similarity(), action="append").samples or []
    result = scored.scores["similarity"]
    assert result.value["flagged"] == 1.0 and result.value["max_overlap"] >= 0.9
    assert result.metadata["top"][0]["kernel"] == "alice_titanic-rf.py"
    assert result.metadata["top"][0]["fragments"][0]["agent_file"] == "/home/code/a.py"
