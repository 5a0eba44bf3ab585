"""Diagnostics of trained networks: gradient health, a gradient check, plots."""

from ._gradient_check import GradientCheckResult, check_gradients
from ._gradients import gradient_norms
from ._history_display import TrainingHistoryDisplay

__all__ = [
    "GradientCheckResult",
    "TrainingHistoryDisplay",
    "check_gradients",
    "gradient_norms",
]
