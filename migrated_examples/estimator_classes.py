"""Actor-critic on a small corridor, RL-tutorial style: one estimator class holds the policy and
the value function, and its methods run the session they are given (`sess=None`, filled from
the default session) or the one passed to them."""

import numpy as np
import tensorflow as tf

N_STATES = 5
N_ACTIONS = 2  # left, right
GOAL = N_STATES - 1
DISCOUNT = 0.9


def step(state, action):
    """A deterministic corridor: the goal at the right end pays 1, every other step costs 0.05."""
    next_state = min(max(state + (1 if action == 1 else -1), 0), GOAL)
    done = next_state == GOAL
    return next_state, (1.0 if done else -0.05), done


class ActorCritic(tf.Module):
    """A softmax policy and a state-value table, each trained by its own Adam optimizer."""

    def __init__(self, policy_rate=0.05, value_rate=0.1):
        super().__init__()

        self.policy_weights = tf.Variable(tf.keras.initializers.Zeros()(shape=[N_STATES, N_ACTIONS], dtype=tf.float32), name="actor_critic/policy_weights")
        self.policy_optimizer = tf.keras.optimizers.Adam(learning_rate=policy_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)

        self.value_weights = tf.Variable(tf.keras.initializers.Zeros()(shape=[N_STATES, 1], dtype=tf.float32), name="actor_critic/value_weights")
        self.value_optimizer = tf.keras.optimizers.Adam(learning_rate=value_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)

    def predict_policy(self, state):
        return self.compute_action_probs(state).numpy()

    def predict_value(self, state):
        return self.compute_value_estimate(state).numpy()

    def update_policy(self, state, advantage, action):
        feed_dict = {"state": state, "target": advantage, "action": action}
        loss = self.policy_train_step(feed_dict["state"], feed_dict["action"], feed_dict["target"]).numpy()
        return loss

    def update_value(self, state, target):
        loss = self.value_train_step(state, target).numpy()
        return loss

    def state_one_hot_fn(self, state):
        state_one_hot = tf.expand_dims(tf.one_hot(state, N_STATES), 0)
        return state_one_hot

    def action_probs_fn(self, state_one_hot):
        action_probs = tf.squeeze(tf.nn.softmax(tf.matmul(state_one_hot, self.policy_weights)))
        return action_probs

    def value_estimate_fn(self, state_one_hot):
        value_estimate = tf.squeeze(tf.matmul(state_one_hot, self.value_weights))
        return value_estimate

    @tf.function(input_signature=[tf.TensorSpec(shape=[], dtype=tf.int32)])
    def compute_action_probs(self, state):
        state_one_hot = self.state_one_hot_fn(state)
        action_probs = self.action_probs_fn(state_one_hot)
        return action_probs

    @tf.function(input_signature=[tf.TensorSpec(shape=[], dtype=tf.int32)])
    def compute_value_estimate(self, state):
        state_one_hot = self.state_one_hot_fn(state)
        value_estimate = self.value_estimate_fn(state_one_hot)
        return value_estimate

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[], dtype=tf.int32),
            tf.TensorSpec(shape=[], dtype=tf.int32),
            tf.TensorSpec(shape=[], dtype=tf.float32),
        ]
    )
    def policy_train_step(self, state, action, target):
        with tf.GradientTape() as tape:
            state_one_hot = self.state_one_hot_fn(state)
            action_probs = self.action_probs_fn(state_one_hot)
            picked_action_prob = tf.gather(action_probs, action)
            policy_loss = -tf.math.log(picked_action_prob) * target
        variables = [self.policy_weights]
        gradients = tape.gradient(policy_loss, variables)
        self.policy_optimizer.apply_gradients(zip(gradients, variables))
        global_step.assign_add(1)
        return policy_loss

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[], dtype=tf.int32),
            tf.TensorSpec(shape=[], dtype=tf.float32),
        ]
    )
    def value_train_step(self, state, target):
        with tf.GradientTape() as tape:
            state_one_hot = self.state_one_hot_fn(state)
            value_estimate = self.value_estimate_fn(state_one_hot)
            value_loss = tf.math.squared_difference(value_estimate, target)
        variables = [self.value_weights]
        gradients = tape.gradient(value_loss, variables)
        self.value_optimizer.apply_gradients(zip(gradients, variables))
        return value_loss


rng = np.random.RandomState(0)
global_step = tf.Variable(0, name="global_step", trainable=False)
estimator = ActorCritic()
for episode in range(20):
    state, total_reward, policy_losses = 0, 0.0, []
    for t in range(30):
        action_probs = estimator.predict_policy(state)
        action = rng.choice(N_ACTIONS, p=action_probs)
        next_state, reward, done = step(state, action)
        total_reward += reward
        # The TD error of the critic is the actor's advantage.
        td_target = reward + (0.0 if done else DISCOUNT * estimator.predict_value(next_state))
        td_error = td_target - estimator.predict_value(state)
        estimator.update_value(state, td_target)
        policy_losses.append(estimator.update_policy(state, td_error, action))
        if done:
            break
        state = next_state
    print("episode %d: %d steps, reward %.2f, policy loss %.4f" % (
        episode, t + 1, total_reward, np.mean(policy_losses)))
print("values", [float(estimator.predict_value(s)) for s in range(N_STATES)])
print("right-move probabilities", [float(estimator.predict_policy(s)[1]) for s in range(N_STATES)])
print("global step", global_step.numpy())
