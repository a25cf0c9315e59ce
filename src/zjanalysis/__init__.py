"""zjanalysis: reproducible analysis of Zhanjiang's fixed-asset investment plan."""

from importlib.metadata import PackageNotFoundError, version

try:
    #: The installed version; ``pyproject.toml`` is the only place it is written.
    __version__: str = version("zjanalysis")
except PackageNotFoundError:  # the source tree on sys.path without an install
    __version__ = "0+unknown"
