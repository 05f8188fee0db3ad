"""A harness child runs the ops of each graph run one at a time, in the calling thread.

TF1 runs the ready ops of a `Session.run` on a thread pool, in an order it leaves open. A run
that fetches a summary of a variable together with the op that trains it reads the variable
before the update in one process and after it in the next. In the caller's thread (a negative
`inter_op_parallelism_threads`, which TensorFlow's `ConfigProto` documents) the ops run in an
order fixed by the graph, the same in every process, so two runs of the same graph agree and the
two sides differ only where their programs do. Eager code and `tf.function`s, whose stateful ops
are ordered by their own control dependencies, compute the same values either way.
"""

from __future__ import annotations

import functools
from typing import Any

CALLER_THREAD = -1


def install() -> None:
    """Make every session of the process run in the caller's thread: sessions made without a
    config take the context's, and a config that leaves the thread count to TensorFlow (0) is
    copied with it set. Call before TensorFlow's context starts (before the first op)."""
    from tensorflow.python.client import session as session_module
    from tensorflow.python.framework import config

    config.set_inter_op_parallelism_threads(CALLER_THREAD)
    base = session_module.BaseSession
    raw_init = base.__init__

    @functools.wraps(raw_init)
    def init(session: Any, target: Any = "", graph: Any = None, config: Any = None) -> None:
        raw_init(session, target, graph, _sequential(config))

    base.__init__ = init


def _sequential(config: Any) -> Any:
    if config is None or not hasattr(config, "inter_op_parallelism_threads"):
        return config
    if config.inter_op_parallelism_threads != 0 or config.session_inter_op_thread_pool:
        return config  # the program chose its own threads
    copy = type(config)()
    copy.CopyFrom(config)
    copy.inter_op_parallelism_threads = CALLER_THREAD
    return copy
