"""Transformers that prepare tabular features for a neural network."""

from ._robust_scaling import RobustSmoothClipScaler

__all__ = ["RobustSmoothClipScaler"]
