"""Diagnostics of trained networks: gradient health, a gradient check, plots."""

from ..model_selection._lr_range_test import LRRangeTestDisplay
from ._gradient_check import GradientCheckResult, check_gradients
from ._gradient_display import GradientNormDisplay
from ._gradient_history import GradientNormHistory
from ._gradients import gradient_norms
from ._history_display import TrainingHistoryDisplay
from ._search_display import SearchResultsDisplay

__all__ = [
    "GradientCheckResult",
    "GradientNormDisplay",
    "GradientNormHistory",
    "LRRangeTestDisplay",
    "SearchResultsDisplay",
    "TrainingHistoryDisplay",
    "check_gradients",
    "gradient_norms",
]
