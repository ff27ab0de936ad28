"""Multiple systems estimation: the hidden number behind overlapping agency lists.

Pure numerics (numpy/scipy); imports nothing else from joinedup. Start with
:func:`estimate` on a :class:`CaptureTable` from :func:`read_table`.
"""

from joinedup.estimate.api import METHODS, estimate
from joinedup.estimate.loglinear import ModelFit, fit_model
from joinedup.estimate.notation import Model, NotationError, format_model, parse_model
from joinedup.estimate.result import EstimateResult
from joinedup.estimate.table import CaptureTable, TableError, read_table, table_from_rows

__all__ = [
    "METHODS",
    "CaptureTable",
    "EstimateResult",
    "Model",
    "ModelFit",
    "NotationError",
    "TableError",
    "estimate",
    "fit_model",
    "format_model",
    "parse_model",
    "read_table",
    "table_from_rows",
]
