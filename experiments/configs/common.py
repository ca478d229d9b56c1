"""Shared config builder: one preset per row of the paper's Table 2, plus quick variants.

Not a config itself; the task files (mnist.py, pmnist.py, ...) call ``make(task, preset)``.
Values the paper does not give are documented defaults, not the paper's (see PAPER.md):
RMSprop lr 1e-3, batch 128, global-norm clipping 1.0, one anchor per example, l=600, GELU in the
classifier head (docs/results.md says why not ReLU).
"""
import ml_collections

PRESETS = ("lstm_full", "lstm_t300", "rlstm_t300", "plstm_t300", "rlstm_full", "plstm_full",
           "transformer", "quick", "smoke")


def make(task: str, preset: str, *, train_epochs: int = 100, pretrain_epochs: int = 0,
         transformer_layers: int = 7) -> ml_collections.ConfigDict:
  if preset not in PRESETS:
    raise ValueError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
  c = ml_collections.ConfigDict()
  c.task = task
  c.data_dir = ""              # TFDS data dir; "": $TFDS_DATA_DIR or ~/tensorflow_datasets
  c.data_source = "auto"       # auto | offline | catalog (download with a network)
  c.train_examples = 0         # 0: whole split
  c.eval_examples = 0
  c.validation_examples = 0    # held out from the end of the train split, evaluated beside test
  c.seed = 0
  c.batch_size = 128
  c.eval_batch_size = 500
  c.optimizer = "rmsprop"
  c.learning_rate = 1e-3
  c.clip_norm = 1.0
  c.pretrain_epochs = pretrain_epochs
  c.train_epochs = train_epochs
  c.max_steps = 0              # 0: no cap
  c.aux_weight = 1.0
  c.log_every_steps = 50
  c.checkpoint_every_steps = 1000
  c.keep_checkpoints = 3
  c.progress_bar = True
  c.distributed = False        # jax.distributed.initialize() (TPU pods, multi-host GPU)

  m = c.model = ml_collections.ConfigDict()
  m.name = "lstm"
  m.embed_dim = 128
  m.hidden_sizes = (128,)
  m.head_sizes = (256, 256)
  m.head_activation = "gelu"   # gelu | relu | tanh; with relu, full BPTT on MNIST collapsed
  m.horizon = ml_collections.FieldReference(None, field_type=int)
  m.aux = ml_collections.FieldReference(None, field_type=str)
  m.aux_length = 600
  m.aux_horizon = ml_collections.FieldReference(300, field_type=int)
  m.num_anchors = 1
  m.anchors_per_example = True
  m.decoder_sizes = (256, 256)
  m.decoder_head_sizes = (256,)
  m.teacher_forcing = True
  m.chunk = 128
  m.unroll = 8
  m.recurrence = "scan"        # "fused": Pallas LSTM kernel (GPU; fp16/bf16 matmuls), 1.8x faster
  # Transformer baseline sizes (used when name == "transformer").
  m.model_dim = 128
  m.num_heads = 8
  m.mlp_dim = 512
  m.num_layers = transformer_layers
  m.dropout = 0.1

  if preset in ("lstm_t300", "rlstm_t300", "plstm_t300"):
    m.horizon = 300
  if preset.startswith("rlstm"):
    m.aux = "reconstruction"
  if preset.startswith("plstm"):
    m.aux = "prediction"
  if preset in ("rlstm_full", "plstm_full"):
    m.aux_horizon = None
  if preset == "transformer":
    m.name = "transformer"
  if preset == "quick":  # the README's main job: r-LSTM t300 at CPU scale, a few minutes
    m.horizon, m.aux = 300, "reconstruction"
    m.embed_dim, m.hidden_sizes, m.head_sizes = 32, (64,), (64,)
    m.aux_length, m.decoder_sizes, m.decoder_head_sizes = 100, (64,), ()
    m.unroll = 4
    c.batch_size, c.train_examples, c.eval_examples = 64, 6400, 2000
    c.learning_rate, c.train_epochs, c.pretrain_epochs = 2e-3, 2, 0
    c.log_every_steps, c.checkpoint_every_steps = 20, 100
  if preset == "smoke":  # seconds: end-to-end plumbing check
    m.horizon, m.aux = 50, "reconstruction"
    m.embed_dim, m.hidden_sizes, m.head_sizes = 16, (16,), (16,)
    m.aux_length, m.aux_horizon, m.decoder_sizes, m.decoder_head_sizes = 20, 30, (16,), ()
    m.chunk, m.unroll = 64, 2
    c.batch_size, c.train_examples, c.eval_examples, c.eval_batch_size = 16, 320, 200, 100
    c.learning_rate, c.train_epochs, c.pretrain_epochs = 3e-3, 1, 0
    c.log_every_steps, c.checkpoint_every_steps = 5, 10
  return c
