"""Real tabular data sets (UCI), shipped with sklann: no download needed.

Each loader returns ``(X, y)``: the features as a pandas DataFrame with named
columns and the target as a Series, as read from the original files (kept
gzipped in ``sklann/datasets/data/`` with their ``.names`` descriptions).
Missing values (``?`` in adult) become NaN. pandas is needed.

==================  ==============  ========================================
loader              rows x columns  task
==================  ==============  ========================================
``load_pima``       768 x 8         binary (0 / 1), unscaled, zeros = missing
``load_sonar``      208 x 60        binary ("R" / "M"), tiny, many features
``load_ionosphere`` 351 x 34        binary ("g" / "b")
``load_banknote``   1372 x 4        binary (0 / 1), nearly separable
``load_mammography`` 11183 x 6      binary (0 / 1), 2.3 % positives
``load_adult``      32561 x 14      binary ("<=50K" / ">50K"), mixed types
``load_wine_quality`` 4898 x 11     regression (quality 3..9); red: 1599
``load_abalone``    4177 x 8        regression (rings 1..29); "sex" M/F/I
==================  ==============  ========================================
"""

from importlib import resources

from .._compat import StrOptions, validate_params

__all__ = [
    "load_abalone",
    "load_adult",
    "load_banknote",
    "load_ionosphere",
    "load_mammography",
    "load_pima",
    "load_sonar",
    "load_wine_quality",
]

ADULT_COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
]
WINE_COLUMNS = [
    "fixed_acidity",
    "volatile_acidity",
    "citric_acid",
    "residual_sugar",
    "chlorides",
    "free_sulfur_dioxide",
    "total_sulfur_dioxide",
    "density",
    "pH",
    "sulphates",
    "alcohol",
]


def _read(file_name, columns, target, **read_options):
    """Read ``data/<file_name>.csv.gz``; the last column is ``target``."""
    try:
        import pandas as pd
    except ImportError as error:  # pragma: no cover - pandas is a dev extra
        raise ImportError("sklann.datasets needs pandas: pip install pandas") from error
    path = resources.files(__package__) / "data" / f"{file_name}.csv.gz"
    with resources.as_file(path) as local:
        frame = pd.read_csv(
            local, header=None, names=[*columns, target], **read_options
        )
    return frame[columns], frame[target]


def _numbered(prefix, count):
    return [f"{prefix}_{i}" for i in range(count)]


def load_pima():
    """Pima Indians diabetes: 8 clinical measurements; ``diabetes`` 0 / 1.

    Examples
    --------
    >>> from sklann.datasets import load_pima
    >>> X, y = load_pima()
    >>> X.shape, y.value_counts().to_dict()
    ((768, 8), {0: 500, 1: 268})
    """
    columns = [
        "pregnancies",
        "glucose",
        "blood_pressure",
        "skin_thickness",
        "insulin",
        "bmi",
        "diabetes_pedigree",
        "age",
    ]
    return _read("pima-indians-diabetes", columns, "diabetes")


def load_sonar():
    """Sonar returns from metal cylinders ("M") or rocks ("R"); 60 energy bands."""
    return _read("sonar", _numbered("band", 60), "object")


def load_ionosphere():
    """Radar returns, good ("g") or bad ("b"); 34 pulse attributes."""
    return _read("ionosphere", _numbered("pulse", 34), "signal")


def load_banknote():
    """Banknote authentication: 4 wavelet features; ``forged`` 0 / 1."""
    columns = ["variance", "skewness", "curtosis", "entropy"]
    return _read("banknote_authentication", columns, "forged")


def load_mammography():
    """Mammography microcalcifications: 6 features; ``calcification`` 0 / 1.

    The file's labels '-1' / '1' become 0 / 1 (1: the 260 calcifications).
    """
    X, y = _read("mammography", _numbered("feature", 6), "calcification", quotechar="'")
    return X, (y == 1).astype(int)


@validate_params(
    {"subset": [StrOptions({"train", "test"})]}, prefer_skip_nested_validation=True
)
def load_adult(subset="train"):
    """Adult census income: 14 mixed attributes; ``income`` "<=50K" / ">50K".

    Parameters
    ----------
    subset : {"train", "test"}, default="train"
        The 32,561 training or 16,281 test rows (the test file's trailing
        "." on the labels is removed).
    """
    X, y = _read(
        f"adult-{subset}",
        ADULT_COLUMNS,
        "income",
        skipinitialspace=True,
        na_values="?",
    )
    return X, y.str.rstrip(".")


@validate_params(
    {"color": [StrOptions({"white", "red"})]}, prefer_skip_nested_validation=True
)
def load_wine_quality(color="white"):
    """Wine quality: 11 physico-chemical measurements; ``quality`` 3..9.

    Parameters
    ----------
    color : {"white", "red"}, default="white"
    """
    return _read(f"winequality-{color}", WINE_COLUMNS, "quality")


def load_abalone():
    """Abalone: sex (M / F / I) and 7 measurements; ``rings`` (age) 1..29."""
    columns = [
        "sex",
        "length",
        "diameter",
        "height",
        "whole_weight",
        "shucked_weight",
        "viscera_weight",
        "shell_weight",
    ]
    return _read("abalone", columns, "rings")
