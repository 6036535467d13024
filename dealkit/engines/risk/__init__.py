"""The notes over many price paths at once: numpy in integer cents and whole shares (see
:mod:`dealkit.risk_engine` for the model; each module here holds one part of it)."""

__all__: list[str] = []
