"""Prints how many inter-op threads each session runs its ops on (-1: the caller's thread)."""
import tensorflow as tf

default = tf.compat.v1.Session()
configured = tf.compat.v1.Session(config=tf.compat.v1.ConfigProto(allow_soft_placement=True))
chosen = tf.compat.v1.Session(config=tf.compat.v1.ConfigProto(inter_op_parallelism_threads=2))
for session in (default, configured, chosen):
    print("inter-op threads", session._config.inter_op_parallelism_threads)
