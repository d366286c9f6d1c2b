"""Imported by the worker pool's fork server before it forks any worker (cleaner.pool).

Everything a worker needs that does not depend on the run is made ready here once: the pipeline's
modules, and the text classifier's compiled loops, tables and model (cleaner.classify.warm_up).
Each worker then starts with all of it in memory shared copy-on-write with its siblings.
"""

from cleaner.classify import warm_up
from cleaner.pipeline import Cleaner  # noqa: F401 (imported for the workers)

warm_up()
