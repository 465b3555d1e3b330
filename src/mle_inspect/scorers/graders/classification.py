"""Graders for accuracy and ROC AUC competitions that a declarative spec cannot describe.

Each reproduces what the original MLE-bench grader computed under its pinned libraries
(pandas 2.2.2, scikit-learn 1.5.1); quirks kept on purpose are marked ``QUIRK``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import checks
from .._errors import GradingError, InvalidSubmission
from ..metrics import get_metric

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ...competitions import GradingSpec


def _id_and_targets(spec: GradingSpec) -> tuple[str, list[str]]:
    if spec.id_column is None or not spec.target_columns:
        raise GradingError("this grader needs `id_column` and `target_columns` in its spec")
    return spec.id_column, list(spec.target_columns)


def _start(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec, *, exact: bool = False
) -> tuple[str, list[str]]:
    """Shared opening: spec columns, answers complete, submission not empty with its columns."""
    id_column, targets = _id_and_targets(spec)
    checks.require_answer_columns(answers, [id_column, *spec.truth_columns])
    checks.require_not_empty(submission)
    checks.require_columns(submission, [id_column, *targets], exact=exact)
    return id_column, targets


# ------------------------------------------------------------------------------ accuracy


def _is_number_column(values: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def _as_text(values: pd.Series, missing: str) -> np.ndarray:
    """Labels as strings the way pandas 2's ``astype(str)`` wrote them, NaN as ``missing``.

    pandas 3 keeps NaN missing through ``astype(str)``; pandas 2 wrote the text "nan".
    """
    import numpy as np

    text = values.astype(str).to_numpy(dtype=object)
    text[values.isna().to_numpy()] = missing
    return np.asarray(text, dtype=object)


def _class_labels(aligned: pd.DataFrame, column: str, id_column: str) -> pd.Series:
    """Predicted labels that scikit-learn 1.5 could compare: no NaN, no inf, no fractions."""
    import numpy as np
    import pandas as pd

    checks.require_no_missing(aligned, column, id_column=id_column)
    values = aligned[column]
    if pd.api.types.is_float_dtype(values):
        array = values.to_numpy(dtype=float)
        # the original's accuracy_score rejected inf and any non-whole number ("continuous"),
        # and so any float outside int64, whose cast to int it compared against (1e308)
        finite = np.isfinite(array)
        outside = finite & ((array >= 2.0**63) | (array < -(2.0**63)))
        bad = ~finite | outside | (finite & (array != np.round(array)))
        if bad.any():
            raise InvalidSubmission(
                f"column {column!r} must hold class labels; {int(bad.sum())} value(s) are not "
                f"whole numbers within 64 bits ({checks._preview(array[bad])}) at "
                f"{checks._row_labels(aligned, bad, id_column)}"
            )
    return values


def _share_equal(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Accuracy once the label types are known to be comparable.

    The same number as scikit-learn's ``accuracy_score``, without its label-type pass that
    sorts every label (seconds on a million text labels).
    """
    import numpy as np

    return float(np.mean(y_true == y_pred))


def _labels_accuracy(truth: pd.Series, predicted: pd.Series, column: str) -> float:
    """Accuracy of labels as read from the CSVs, with scikit-learn 1.5's type rules.

    Numbers compare with numbers (``2.0`` matches ``2``, ``1`` matches ``True``) and text with
    text. QUIRK: text against numbers matched nothing in the original (score 0 on those rows)
    unless both sides held at most two distinct labels, where it raised (invalid).
    """
    if _is_number_column(truth) == _is_number_column(predicted):
        return _share_equal(truth.to_numpy(), predicted.to_numpy())
    if truth.nunique() <= 2 and predicted.nunique() <= 2:
        kind = "numbers" if _is_number_column(truth) else "text"
        raise InvalidSubmission(
            f"column {column!r} must hold class labels of the same type as the answers "
            f"({kind}); got {checks._preview(predicted.unique())}"
        )
    return 0.0


def accuracy(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Share of rows whose label equals the answer, rows matched by id.

    ``params.labels``: ``"as_read"`` (default) compares values as pandas parsed them;
    ``"text"`` compares ``str`` of both sides with missing cells as the text ``"nan"``
    (text normalisation: QUIRK, an NA-like answer matches any missing prediction);
    ``"blank_missing"`` turns missing predictions into ``""`` first (paddy).
    """
    import pandas as pd

    id_column, targets = _start(submission, answers, spec)
    if len(targets) != 1:
        raise GradingError("accuracy takes exactly one target column")
    column, truth_column = targets[0], spec.truth_columns[0]
    truth = answers[truth_column]
    aligned = checks.align_to_answers(submission, answers, id_column)
    mode = spec.params.get("labels", "as_read")
    if mode == "text":
        return _share_equal(_as_text(truth, "nan"), _as_text(aligned[column], "nan"))
    if truth.isna().any():
        raise GradingError(f"the answers' {truth_column!r} column has missing labels")
    predicted = aligned[column]
    if mode == "blank_missing" and predicted.isna().any():
        # QUIRK (paddy): missing labels become "", so the whole column is compared as text
        predicted = pd.Series(_as_text(predicted, ""), index=predicted.index, dtype=object)
    elif mode not in ("as_read", "blank_missing"):
        raise GradingError(f"unknown accuracy label mode {mode!r}")
    predicted = _class_labels(aligned.assign(**{column: predicted}), column, id_column)
    return _labels_accuracy(truth, predicted, column)


def top1_error(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """1 - accuracy of the first predicted class (iNaturalist 2019).

    QUIRK: Kaggle scored top-5 error; the original grader keeps only the first of the
    space-separated predictions. An integer column is taken as is; text is split on
    whitespace and its first token parsed as an integer; float columns are invalid.
    """
    import numpy as np
    import pandas as pd

    id_column, targets = _start(submission, answers, spec)
    column = targets[0]
    aligned = checks.align_to_answers(submission, answers, id_column)
    values = aligned[column]
    if pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
        predicted = values.to_numpy(dtype=np.int64)
    elif pd.api.types.is_float_dtype(values):
        raise InvalidSubmission(
            f"column {column!r} must hold integer class ids or space-separated ids; "
            f"it holds decimal numbers or missing values ({checks._preview(values.head(5))})"
        )
    else:
        first, bad = [], []
        for position, value in enumerate(values.tolist()):
            try:
                first.append(int(value.split()[0]))
            except (AttributeError, IndexError, ValueError):
                first.append(-1)
                bad.append(position)
        if bad:
            mask = np.zeros(len(values), dtype=bool)
            mask[bad] = True
            raise InvalidSubmission(
                f"column {column!r} has {len(bad)} value(s) that do not start with an integer "
                f"class id ({checks._preview(values[mask])}) at "
                f"{checks._row_labels(aligned, mask, id_column)}"
            )
        predicted = np.asarray(first, dtype=np.int64)
    truth = answers[spec.truth_columns[0]].to_numpy(dtype=np.int64)
    return get_metric(spec.metric or "top1_error").fn(truth, predicted)


# ------------------------------------------------------------------------------- ROC AUC


def _align_allowing_repeated_ids(
    submission: pd.DataFrame, answers: pd.DataFrame, id_column: str
) -> pd.DataFrame:
    """Align by id, pairing repeated answer ids the way the original did.

    When the answers repeat an id (comment texts used as ids), both sides are sorted by id with
    pandas 2's unstable quicksort, then matched position by position (QUIRK: repeated ids with
    different labels pair by that sort).
    """
    import numpy as np

    answer_ids = answers[id_column]
    if not answer_ids.duplicated().any():
        return checks.align_to_answers(submission, answers, id_column)
    checks.require_columns(submission, [id_column])
    if len(submission) != len(answers):
        raise InvalidSubmission(
            f"the submission has {len(submission)} rows; the test set has {len(answers)}"
        )
    sub_ids = _as_text(submission[id_column], "nan")
    ans_ids = _as_text(answer_ids, "nan")
    # pandas 2 sort_values(kind="quicksort") on text = numpy's object argsort, same in numpy 2
    sub_order = sub_ids.argsort(kind="quicksort")
    ans_order = ans_ids.argsort(kind="quicksort")
    differs = sub_ids[sub_order] != ans_ids[ans_order]
    if differs.any():
        unknown = sorted(set(sub_ids) - set(ans_ids))
        detail = (
            f"{len(unknown)} id(s) not in the test set: {checks._preview(unknown)}"
            if unknown
            else "some ids appear a different number of times than in the test set"
        )
        raise InvalidSubmission(f"column {id_column!r} does not match the test ids: {detail}")
    order = np.empty(len(answers), dtype=np.int64)
    order[ans_order] = sub_order
    return submission.iloc[order].reset_index(drop=True)


def binary_auc(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """ROC AUC of probabilities in [0, 1] where the id column may repeat in the answers."""
    id_column, targets = _start(submission, answers, spec)
    column = targets[0]
    aligned = _align_allowing_repeated_ids(submission, answers, id_column)
    values = checks.numeric_column(aligned, column, id_column=id_column)
    checks.require_range(aligned, column, values, 0.0, 1.0, id_column=id_column)
    truth = answers[spec.truth_columns[0]].to_numpy()
    return get_metric(spec.metric or "roc_auc_of_probabilities").fn(truth, values)


def columnwise_auc(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Mean of per-column ROC AUCs, for the variants a declarative spec cannot state.

    ``params``: ``exact_columns`` rejects extra submission columns; ``unscored_below``
    drops answer rows whose labels sum below it (Jigsaw marks unscored rows with -1);
    ``submission_column_order`` pairs prediction columns with the classes in the order the
    submission lists them (QUIRK of the Jigsaw toxic grader: it took the submission's
    columns positionally, so a reordered header mis-pairs classes; extra columns are invalid).
    """
    import numpy as np

    positional = bool(spec.params.get("submission_column_order", False))
    exact = bool(spec.params.get("exact_columns", False)) or positional
    id_column, targets = _start(submission, answers, spec, exact=exact)
    aligned = checks.align_to_answers(submission, answers, id_column)
    truth = answers[spec.truth_columns].to_numpy(dtype=float)
    keep = np.ones(len(answers), dtype=bool)
    if "unscored_below" in spec.params:
        keep = truth.sum(axis=1) >= float(spec.params["unscored_below"])
    columns = [c for c in submission.columns if c != id_column] if positional else targets
    scored = aligned.loc[keep].reset_index(drop=True)
    matrix = np.column_stack(
        [checks.numeric_column(scored, c, id_column=id_column) for c in columns]
    )
    return get_metric(spec.metric or "mean_column_roc_auc").fn(truth[keep], matrix)


def jigsaw_bias(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Jigsaw Unintended Bias score with the original's binarisation.

    QUIRK: Kaggle ranked continuous scores; the original grader thresholds predictions,
    truth and identities at 0.5 before every AUC (missing predictions count as 0), so only
    one operating point is scored. A ``toxicity`` column is accepted in place of
    ``prediction`` so that the answers file itself can be graded.
    """
    import numpy as np
    import pandas as pd

    id_column = spec.id_column or "id"
    identities: list[str] = list(spec.params["identity_columns"])
    truth_column = spec.truth_columns[0] if spec.truth_columns else "toxicity"
    checks.require_answer_columns(answers, [id_column, truth_column, *identities])
    checks.require_not_empty(submission)
    checks.require_columns(submission, [id_column])
    names = [c for c in ("prediction", "toxicity") if c in submission.columns]
    if not names:
        raise InvalidSubmission(
            f"missing column 'prediction'; expected columns [{id_column!r}, 'prediction'], "
            f"got {checks._columns(submission.columns)}"
        )
    if len(names) > 1:
        raise InvalidSubmission("give one of 'prediction' and 'toxicity', not both")
    column = names[0]
    aligned = checks.align_to_answers(submission, answers, id_column)
    raw = aligned[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    not_numeric = np.isnan(values) & raw.notna().to_numpy()
    if not_numeric.any():
        raise InvalidSubmission(
            f"column {column!r} has {int(not_numeric.sum())} non-numeric value(s) "
            f"({checks._preview(raw[not_numeric])}) at "
            f"{checks._row_labels(aligned, not_numeric, id_column)}"
        )
    with np.errstate(invalid="ignore"):
        predicted = (values >= 0.5).astype(int)  # NaN >= 0.5 is False: missing counts as 0
        y_true = (answers[truth_column].to_numpy(dtype=float) >= 0.5).astype(int)
        members = answers[identities].to_numpy(dtype=float) >= 0.5
    params: dict[str, Any] = {
        k: spec.params[k] for k in ("power", "overall_weight") if k in spec.params
    }
    return get_metric(spec.metric or "jigsaw_bias_auc").fn(y_true, predicted, members, **params)
