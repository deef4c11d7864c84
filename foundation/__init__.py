"""The ground floor every other package stands on: settings, the warehouse connection, mail, financial
quarters. It imports nothing of the project's; `ingest`, `expectations`, `exports` and `csw` import it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("csw")
except PackageNotFoundError:  # a checkout on PYTHONPATH without `pip install -e .`
    __version__ = "0.0.0+unknown"
