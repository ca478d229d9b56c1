"""Input pipelines: the paper's tasks as integer token sequences, read through TFDS data sources."""
from rnn_aux.data.pipeline import Batch, SequenceLoader, load_source
from rnn_aux.data.tasks import TASKS, Task, get_task

__all__ = ["Batch", "SequenceLoader", "load_source", "TASKS", "Task", "get_task"]
