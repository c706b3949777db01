"""The eval suite: case files (docs/specs/eval-cases.md), the runner, scoring, reports.

cases.py   load and check case files          models.py  the model backend factory
run.py     play one case once                 suite.py   every case k times, the verdict
got.py     what a reply proposed              score.py   got vs expected, slot by slot
metrics.py rates, pass^k, latency, usage      report.py  report.json / report.md
tables.py  the human tables
"""
