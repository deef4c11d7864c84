"""Data to Insight's DfE validators (csc-validator-be-903, csc-validator-be-cin) run on our statutory returns.

They run in their own venv as a subprocess (`runner.py` starts `driver.py` there); their findings are stored in
`dq.dfe_findings` (`store.py`) and compared with our native DfE rules (`compare.py`). docs/dfe-validators.md.
"""
