"""Imported by the worker pool's fork server before it forks any worker (cleaner.pool).

Everything a worker needs that does not depend on the run is made ready here once: the pipeline's
modules, the text classifier's compiled loops, tables and model (cleaner.classify.warm_up), and
the Unicode character classes of the text stages.
Each worker then starts with all of it in memory shared copy-on-write with its siblings.

Last, the garbage collector is told to leave these objects alone for good (gc.freeze, as the gc
module's documentation advises before forking): a worker's collections would otherwise walk them
all, a full collection costing tens of milliseconds, and write to each one's header, copying every
page they sit on into the worker.
"""

import gc

from cleaner.classify import warm_up
from cleaner.pipeline import Cleaner  # noqa: F401 (imported for the workers)
from cleaner.rules import may_change_under

warm_up()
for form in ("NFC", "NFKC"):  # character classes every page is checked against (some 20 ms each to build)
    may_change_under(form)
gc.freeze()
