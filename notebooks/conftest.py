"""Configure ``pytest --nbval-lax notebooks/``: only the report notebooks.

Exploration notebooks (``explore/``) are personal and not kept runnable; the
paired ``.py`` files are the same notebooks in another format.
"""

collect_ignore_glob = ["explore/*", "*.py", ".ipynb_checkpoints/*"]
