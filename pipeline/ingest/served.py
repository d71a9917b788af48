"""Imported last by the fork server (``pipeline.forkserver.PRELOAD``) and by nothing else.

When the run ends, the fork server sees its pipe close and exits through the interpreter's
normal shutdown, which tears down every module it preloaded: a fifth of a second in which it
still holds the run's stdout and stderr, so a caller reading them (a pipe, ``subprocess.run``)
waits for it. It has nothing to flush or clean up (the run removes its socket's folder), so it
ends at once instead. The readers forked from it end with ``os._exit`` and never run this.
"""

from __future__ import annotations

import atexit
import gc
import os

# The preloaded modules stay for the server's life and every reader's: the collector need not
# walk them again in each forked reader (which also keeps their pages shared with the server).
gc.freeze()
atexit.register(os._exit, 0)
