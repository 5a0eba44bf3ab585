"""Diagnostics of trained networks: gradient health."""

from ._gradients import gradient_norms

__all__ = ["gradient_norms"]
