"""Diagnostics of trained networks: gradient health and a gradient check."""

from ._gradient_check import GradientCheckResult, check_gradients
from ._gradients import gradient_norms

__all__ = ["GradientCheckResult", "check_gradients", "gradient_norms"]
