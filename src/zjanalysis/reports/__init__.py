"""The display layer: everything a reader sees of an analysis.

Analysis modules return numbers; this package turns them into Chinese headlines,
tables with units and decimals, workbooks and JSON, one module per report
(``reports.forecast``, ``reports.readiness``, ``reports.soe``, ``reports.circular``,
``reports.checks``), each a :class:`~zjanalysis.reports.view.ReportView`. The
shared pieces: :mod:`~zjanalysis.reports.glossary` (one Chinese label per
column), :mod:`~zjanalysis.reports.tables` (the table and workbook specs, the
reader-friendly values).
"""
