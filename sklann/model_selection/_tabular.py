"""A measured recipe for tabular data, and the search space around it."""

from numbers import Integral

from scipy.stats import loguniform, uniform

from .._compat import Interval, StrOptions, validate_params
from ._search_space import prefixed

# The recipe; benchmarks/quality.py measures it against RealMLP-TD.
TABULAR_DEFAULTS = {
    "hidden_layer_sizes": (256, 256),
    "dropout": 0.15,
    "numerical_embedding": "periodic",
    "embedding_dim": 4,
    "embedding_frequencies": 8,
    "feature_scaling": True,
    "optimizer": "adam",
    "optimizer__beta_2": 0.95,
    "learning_rate": 1e-3,
    "lr_schedule": "cosine",
    "lr_warmup_epochs": 5,
    "epochs": 70,
    "batch_size": 256,
    "early_stopping": True,
    "patience": 30,
}

# The recipe's addition for more than two classes: label smoothing lifted
# digits from 0.975 to 0.984 but cost binary ROC AUC (mammography 0.960 to
# 0.940, adult 0.9135 to 0.9123; benchmarks/quality.py's splits, 3 seeds).
MULTICLASS_DEFAULTS = {"label_smoothing": 0.1}

# The regressor trains all its epochs: early stopping's 10% held out and
# its noisy best epoch cost wine RMSE 0.6707 -> 0.6735 and abalone 2.094 ->
# 2.104 (benchmarks/quality.py's splits, 3 seeds).
REGRESSOR_DEFAULTS = {"early_stopping": False}

# The arguments of both functions below.
_RECIPE_PARAMETERS = {
    "estimator": [StrOptions({"classifier", "regressor"})],
    "n_classes": [Interval(Integral, 2, None, closed="left"), None],
    "prefix": [str],
}


def _multiclass(estimator, n_classes):
    """Whether the recipe is for a classifier of more than two classes (or
    of an unknown number); refuse a number of classes for a regressor."""
    if estimator == "regressor" and n_classes is not None:
        raise ValueError(
            f"n_classes is for classifiers; got n_classes={n_classes!r} with "
            "estimator='regressor'. Leave it None for a regressor."
        )
    return estimator == "classifier" and (n_classes is None or n_classes > 2)


@validate_params(_RECIPE_PARAMETERS, prefer_skip_nested_validation=True)
def tabular_defaults(estimator="classifier", *, n_classes=None, prefix=""):
    """Parameters that make a strong MLP for tabular data, ready to pass on.

    The recipe takes what RealMLP (Holzmüller et al., 2024) found to matter,
    in sklann's parameters; ``benchmarks/quality.py`` measures it (column
    "sklann recipe") beside scikit-learn's MLP, sklann's defaults and
    RealMLP-TD:

    ===========================  ==============================================
    parameter                    value
    ===========================  ==============================================
    ``hidden_layer_sizes``       ``(256, 256)``
    ``dropout``                  0.15
    ``numerical_embedding``      ``"periodic"`` (4 outputs and 8 frequencies
                                 per feature, as RealMLP's 16 periodic
                                 features to 4; initial scale 0.1)
    ``feature_scaling``          True
    ``optimizer``                Adam with ``beta_2=0.95``
    ``learning_rate``            1e-3, 5 warm-up epochs, then a cosine to
                                 ``0.1 * learning_rate``
    ``epochs``                   70
    ``batch_size``               256
    ``label_smoothing``          0.1 (classifier of more than two classes)
    ``early_stopping``           True for a classifier (the best epoch's
                                 weights, as RealMLP); False for a regressor
    ``patience``                 30
    ===========================  ==============================================

    Without early stopping the embedding overfit the smaller sets
    (mammography ROC AUC 0.909, against 0.963 with it). The embedding's
    size and the batch size are RealMLP's: twice the embedding (8 outputs,
    16 frequencies) scored the same and took 1.4 times as long on digits,
    2.1 times on adult. A patience of 30 lets the cosine reach its low rates
    where they help: 100 epochs with patience 10 stopped digits at epochs 50
    to 85 (0.9826, mean of 3 seeds); 70 epochs with patience 30 reach 0.9848
    in the same time. Adult's best epoch comes early, so it still stops early,
    at 1.7 times the time of patience 10. The regressor trains all 70 epochs
    on all its rows: early stopping held out 10% of them and picked a noisy
    best epoch (abalone's at 30 of 70), RMSE 2.104 against 2.094 on abalone
    and 0.6735 against 0.6707 on wine (3 seeds).

    Parameters
    ----------
    estimator : {"classifier", "regressor"}, default="classifier"
        Which estimator the parameters are for.
    n_classes : int >= 2, default=None
        The classifier's number of classes, when known. Label smoothing
        joins the recipe for more than two, or for None: it helped the
        multiclass digits and cost ROC AUC on the binary tasks.
    prefix : str, default=""
        Put before every name: for a pipeline step, its name and ``"__"``.

    Returns
    -------
    dict
        A new dict on each call.

    See Also
    --------
    tabular_search_space : Distributions around the recipe.

    Examples
    --------
    >>> from sklann import MLPClassifier
    >>> from sklann.model_selection import tabular_defaults
    >>> clf = MLPClassifier(**tabular_defaults(), random_state=0)
    >>> clf.numerical_embedding, clf.label_smoothing
    ('periodic', 0.1)
    >>> "label_smoothing" in tabular_defaults(n_classes=2)
    False
    >>> tabular_defaults("regressor")["early_stopping"]
    False
    """
    recipe = dict(TABULAR_DEFAULTS)
    if _multiclass(estimator, n_classes):
        recipe.update(MULTICLASS_DEFAULTS)
    if estimator == "regressor":
        recipe.update(REGRESSOR_DEFAULTS)
    return prefixed(recipe, prefix)


@validate_params(_RECIPE_PARAMETERS, prefer_skip_nested_validation=True)
def tabular_search_space(estimator="classifier", *, n_classes=None, prefix=""):
    """Distributions for ``RandomizedSearchCV`` around :func:`tabular_defaults`.

    Search them with the recipe set on the estimator: each draw changes the
    settings that moved the results most in the measurements.

    ===========================  ==============================================
    parameter                    values
    ===========================  ==============================================
    ``hidden_layer_sizes``       (256, 256), (512, 512), (256, 256, 256)
    ``dropout``                  uniform on [0, 0.4]
    ``numerical_embedding``      ``"periodic"`` or None
    ``embedding_scale``          log-uniform on [0.01, 1]
    ``learning_rate``            log-uniform on [3e-4, 3e-3]
    ``weight_decay``             None or 1e-4 (AdamW-style, decoupled)
    ``n_ensemble``               1 or 4 (TabM-mini; 2.5 to 4 times the fit
                                 time)
    ``label_smoothing``          uniform on [0, 0.2] (as the recipe: more than
                                 two classes, or an unknown number)
    ===========================  ==============================================

    Parameters
    ----------
    estimator : {"classifier", "regressor"}, default="classifier"
    n_classes : int >= 2, default=None
        As in :func:`tabular_defaults`.
    prefix : str, default=""
        Put before every name: for a pipeline step, its name and ``"__"``.

    Returns
    -------
    dict

    Examples
    --------
    >>> from sklearn.model_selection import ParameterSampler
    >>> from sklann.model_selection import tabular_search_space
    >>> space = tabular_search_space("regressor")
    >>> draw = next(iter(ParameterSampler(space, n_iter=1, random_state=0)))
    >>> "label_smoothing" in draw, bool(0.01 <= draw["embedding_scale"] <= 1)
    (False, True)
    """
    space = {
        "hidden_layer_sizes": [(256, 256), (512, 512), (256, 256, 256)],
        "dropout": uniform(0.0, 0.4),
        "numerical_embedding": ["periodic", None],
        "embedding_scale": loguniform(0.01, 1.0),
        "learning_rate": loguniform(3e-4, 3e-3),
        "weight_decay": [None, 1e-4],
        "n_ensemble": [1, 4],
    }
    if _multiclass(estimator, n_classes):
        space["label_smoothing"] = uniform(0.0, 0.2)
    return prefixed(space, prefix)
