"""Training: train state, the data-parallel step, checkpoints, metrics and the loop."""
