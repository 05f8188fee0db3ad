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


class ActorCritic(object):
    """A softmax policy and a state-value table, each trained by its own Adam optimizer."""

    def __init__(self, policy_rate=0.05, value_rate=0.1, scope="actor_critic"):
        with tf.variable_scope(scope):
            self.state = tf.placeholder(tf.int32, [], "state")
            self.action = tf.placeholder(tf.int32, [], "action")
            self.target = tf.placeholder(tf.float32, [], "target")
            state_one_hot = tf.expand_dims(tf.one_hot(self.state, N_STATES), 0)

            self.policy_weights = tf.get_variable(
                "policy_weights", [N_STATES, N_ACTIONS], initializer=tf.zeros_initializer())
            self.action_probs = tf.squeeze(tf.nn.softmax(tf.matmul(state_one_hot, self.policy_weights)))
            picked_action_prob = tf.gather(self.action_probs, self.action)
            self.policy_loss = -tf.log(picked_action_prob) * self.target
            policy_optimizer = tf.train.AdamOptimizer(learning_rate=policy_rate)
            self.policy_train_op = policy_optimizer.minimize(
                self.policy_loss, global_step=tf.train.get_global_step())

            self.value_weights = tf.get_variable("value_weights", [N_STATES, 1], initializer=tf.zeros_initializer())
            self.value_estimate = tf.squeeze(tf.matmul(state_one_hot, self.value_weights))
            self.value_loss = tf.squared_difference(self.value_estimate, self.target)
            value_optimizer = tf.train.AdamOptimizer(learning_rate=value_rate)
            self.value_train_op = value_optimizer.minimize(self.value_loss)

    def predict_policy(self, state, sess=None):
        sess = sess or tf.get_default_session()
        return sess.run(self.action_probs, {self.state: state})

    def predict_value(self, state, sess=None):
        sess = sess or tf.get_default_session()
        return sess.run(self.value_estimate, {self.state: state})

    def update_policy(self, state, advantage, action, sess=None):
        sess = sess or tf.get_default_session()
        feed_dict = {self.state: state, self.target: advantage, self.action: action}
        _, loss = sess.run([self.policy_train_op, self.policy_loss], feed_dict)
        return loss

    def update_value(self, state, target, sess=None):
        sess = sess or tf.get_default_session()
        _, loss = sess.run([self.value_train_op, self.value_loss], {self.state: state, self.target: target})
        return loss


rng = np.random.RandomState(0)
global_step = tf.Variable(0, name="global_step", trainable=False)
estimator = ActorCritic()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
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
            estimator.update_value(state, td_target, sess)
            policy_losses.append(estimator.update_policy(state, td_error, action))
            if done:
                break
            state = next_state
        print("episode %d: %d steps, reward %.2f, policy loss %.4f" % (
            episode, t + 1, total_reward, np.mean(policy_losses)))
    print("values", [float(estimator.predict_value(s)) for s in range(N_STATES)])
    print("right-move probabilities", [float(estimator.predict_policy(s)[1]) for s in range(N_STATES)])
    print("global step", sess.run(global_step))
