"""The risk notebook's live explorer: moved to :mod:`dealkit.present.risk_widgets`; this module
re-exports its public name."""

from dealkit.present.risk_widgets import risk_explorer

__all__ = ["risk_explorer"]
