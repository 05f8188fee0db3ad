"""A siamese network: one tower applied to two inputs shares its weights through reuse.

The tower's variables live in variable scope "tower" and are created by tf.get_variable on
the first call; the second call reuses them. The loss pulls the two embeddings of similar
pairs together; only the tower's variables are trained.
"""
import numpy as np
import tensorflow as tf

input_dim = 6
embed_dim = 3


class Tower(tf.Module):
    def __init__(self):
        super().__init__()
        self.tower_hidden_w = tf.Variable(tf.random.truncated_normal([input_dim, 8], stddev=0.3, dtype=tf.float32), name="tower/hidden/w")
        self.tower_hidden_b = tf.Variable(tf.keras.initializers.Constant(value=0.1)(shape=[8], dtype=tf.float32), name="tower/hidden/b")
        self.tower_embed_w = tf.Variable(tf.keras.initializers.GlorotUniform()(shape=[8, embed_dim], dtype=tf.float32), name="tower/embed/w")
        self.tower_embed_b = tf.Variable(tf.keras.initializers.Zeros()(shape=[embed_dim], dtype=tf.float32), name="tower/embed/b")

    def __call__(self, x):
        h = tf.nn.tanh(tf.matmul(x, self.tower_hidden_w) + self.tower_hidden_b)
        return tf.matmul(h, self.tower_embed_w) + self.tower_embed_b


def main():
    rng = np.random.RandomState(0)
    tf.random.set_seed(0)
    tower = Tower()
    tower_vars = [tower.tower_hidden_w, tower.tower_hidden_b, tower.tower_embed_w, tower.tower_embed_b]
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)

    def left_embedding_fn(left):
        left_embedding = tower(left)
        return left_embedding

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, input_dim], dtype=tf.float32),
            tf.TensorSpec(shape=[None, input_dim], dtype=tf.float32),
        ]
    )
    def train_step(left, right):
        with tf.GradientTape() as tape:
            left_embedding = left_embedding_fn(left)
            right_embedding = tower(right)
            distance = tf.reduce_sum(tf.square(left_embedding - right_embedding), axis=1)
            loss = tf.reduce_mean(distance)
        gradients = tape.gradient(loss, tower_vars)
        optimizer.apply_gradients(zip(gradients, tower_vars))
        return loss

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, input_dim], dtype=tf.float32)])
    def compute_left_embedding(left):
        left_embedding = left_embedding_fn(left)
        return left_embedding

    for step in range(60):
        a = rng.normal(size=(16, input_dim)).astype(np.float32)
        b = a + 0.1 * rng.normal(size=(16, input_dim)).astype(np.float32)
        l = train_step(a, b).numpy()
        if step % 20 == 0:
            print("step %d loss %.5f" % (step, l))
    probe = rng.normal(size=(2, input_dim)).astype(np.float32)
    print("embeddings", np.round(compute_left_embedding(probe).numpy(), 4))


if __name__ == "__main__":
    main()
