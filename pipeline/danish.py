"""For the transition only: the names pipeline/extract/ imports until it is converted (the rest of
the old module lives in pipeline.dates, pipeline.wording and pipeline.vocabulary)."""

from pipeline.dates import find_dato, parse_danish_date
from pipeline.wording import pages_da

__all__ = ["find_dato", "pages_da", "parse_danish_date"]
