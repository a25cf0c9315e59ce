"""zjanalysis: reproducible analysis of Zhanjiang's fixed-asset investment plan."""

__version__ = "0.1.0"
