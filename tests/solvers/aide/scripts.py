"""Tiny scikit-learn scripts for demo-tumor-diagnosis, written as a coder model would answer.

Each reads the public data from ``$MLE_DATA_DIR`` (set by every sandbox), prints the hold-out
ROC AUC as ``VALIDATION_METRIC=<float>`` and writes ``submission.csv`` in its working dir.
"""

from __future__ import annotations

_TEMPLATE = """\
import os
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
{imports}
data = os.environ["MLE_DATA_DIR"]
train = pd.read_csv(os.path.join(data, "train.csv"))
test = pd.read_csv(os.path.join(data, "test.csv"))
features = [c for c in train.columns if c not in ("patient_id", "{target}")]
x_train, x_val, y_train, y_val = train_test_split(
    train[features], train["malignant"], test_size=0.25, random_state=0, stratify=train["malignant"]
)
model = make_pipeline(SimpleImputer(), StandardScaler(), {model})
model.fit(x_train, y_train)
print("VALIDATION_METRIC=" + str(roc_auc_score(y_val, model.predict_proba(x_val)[:, 1])))
model.fit(train[features], train["malignant"])
pd.DataFrame(
    {{"patient_id": test["patient_id"], "{column}": model.predict_proba(test[features])[:, 1]}}
).to_csv("submission.csv", index=False)
"""


def tumor_script(
    model: str = "LogisticRegression(C=1.0, max_iter=500)",
    imports: str = "from sklearn.linear_model import LogisticRegression",
    target: str = "malignant",
    column: str = "malignant",
) -> str:
    return _TEMPLATE.format(model=model, imports=imports, target=target, column=column)


LOGISTIC = tumor_script()
# draft with a bug: the feature list keeps the target, so `test[features]` raises KeyError
BROKEN_FOREST = tumor_script(
    model="RandomForestClassifier(n_estimators=30, random_state=0)",
    imports="from sklearn.ensemble import RandomForestClassifier",
    target="no_such_column",
)
FOREST = tumor_script(
    model="RandomForestClassifier(n_estimators=30, random_state=0)",
    imports="from sklearn.ensemble import RandomForestClassifier",
)
# an 'improvement' whose submission has the wrong column name: runs, but the validator refuses
WRONG_COLUMN = tumor_script(model="LogisticRegression(C=0.3, max_iter=500)", column="prob")
FIXED_COLUMN = tumor_script(model="LogisticRegression(C=0.3, max_iter=500)")
WEAKER = tumor_script(model="LogisticRegression(C=0.001, max_iter=500)")
