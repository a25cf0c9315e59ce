"""Subcommands of the ``zjanalysis`` command line (see :mod:`zjanalysis.cli`)."""
