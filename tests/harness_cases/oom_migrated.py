import numpy as np
import tensorflow as tf

W = tf.Variable(tf.zeros([1, 1]), name="W")
blocks = [np.ones((256, 1024, 1024), dtype=np.float32) for _ in range(64)]  # 64 GB, far past any cap
print(len(blocks))
