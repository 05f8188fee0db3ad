"""Prints how many inter-op threads each session runs its ops on (-1: the caller's thread)."""
import tensorflow as tf

default = tf.Session()
configured = tf.Session(config=tf.ConfigProto(allow_soft_placement=True))
chosen = tf.Session(config=tf.ConfigProto(inter_op_parallelism_threads=2))
for session in (default, configured, chosen):
    print("inter-op threads", session._config.inter_op_parallelism_threads)
