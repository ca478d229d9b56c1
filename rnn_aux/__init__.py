"""rnn_aux: LSTMs with the auxiliary losses of Trinh et al. 2018, in JAX.

The public API is what this module exports; everything else may change.
"""
from rnn_aux import auxiliary, feedforward, losses, lstm, models, transformer, truncation
from rnn_aux.auxiliary import (anchor_range, gather_spans, gather_states, init_prediction,
                               init_reconstruction, sample_anchors)
from rnn_aux.losses import (classification_loss, objective, prediction_loss, reconstruction_loss,
                            token_loss)
from rnn_aux.lstm import LSTMState
from rnn_aux.models import ModelSpec
from rnn_aux.truncation import carries_before, states_at

__version__ = "0.1.0"
