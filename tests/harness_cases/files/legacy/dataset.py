import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def load():
    """The table beside the program, found by relative path from the working directory."""
    table = np.loadtxt("data.csv", delimiter=",", dtype=np.float32)
    scale = float(open(os.path.join(HERE, "scale.txt")).read())
    return table[:, :3] * scale, table[:, 3:]
