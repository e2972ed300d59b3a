"""seisfoc: SEISAN-compatible focal mechanisms and moment tensors.

The shared core of the suite. Importing this package is cheap on purpose (the drop-in
``pinv`` must start fast): submodules are imported by the caller, e.g.
``from seisfoc import nordic, mechanism``.
"""

from seisfoc.errors import InversionError, ModelError, NordicError, SeisfocError

__version__ = "0.1.0"
__all__ = ["SeisfocError", "NordicError", "ModelError", "InversionError", "__version__"]
