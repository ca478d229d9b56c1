"""rnn_aux: recurrent networks with the auxiliary losses of Trinh et al. 2018, in JAX.

The public API is what this module exports; everything else may change. Importing the package
registers the built-in recurrences (``lstm``, ``gru``) and auxiliary losses (``reconstruction``,
``prediction``).
"""
from rnn_aux import (auxiliary, classifier, feedforward, gru, losses, lstm, prediction,
                     reconstruction, recurrence, transformer, truncation)
from rnn_aux.auxiliary import (AuxiliaryLoss, anchor_range, gather_spans, gather_states,
                               sample_anchors)
from rnn_aux.classifier import ModelSpec, objective
from rnn_aux.gru import GRUState
from rnn_aux.losses import classification_loss, token_loss
from rnn_aux.lstm import LSTMState
from rnn_aux.prediction import init_prediction, prediction_loss
from rnn_aux.reconstruction import init_reconstruction, reconstruction_loss
from rnn_aux.recurrence import Recurrence
from rnn_aux.truncation import carries_before, states_at

__all__ = [
    # modules
    "auxiliary", "classifier", "feedforward", "gru", "losses", "lstm", "prediction",
    "reconstruction", "recurrence", "transformer", "truncation",
    # the auxiliary losses in your own model
    "AuxiliaryLoss", "anchor_range", "gather_spans", "gather_states", "sample_anchors",
    "init_prediction", "prediction_loss", "init_reconstruction", "reconstruction_loss",
    "classification_loss", "token_loss",
    # truncated BPTT, recurrences, the paper's classifier
    "carries_before", "states_at", "Recurrence", "LSTMState", "GRUState", "ModelSpec",
    "objective",
]
__version__ = "0.2.0"
