"""The paper's r-LSTM in PyTorch (cuDNN), timed beside our JAX step in one process.

  PYTHONPATH=. python benchmarks/torch_reference.py [--decoder 256,256] [--recurrence fused]
      [--T 784] [--batch 128] [--steps 20]

The PyTorch model is this library's r-LSTM written again with ``torch.nn``: a token embedding
(256 values -> 128), a 1x128 ``nn.LSTM`` main network, a GELU head 256-256 on the last state; the
reconstruction decoder starts from a linear bridge of the main state at the anchor (``tanh`` on
its ``h``; upper layers from zero), reads its own embedding of ``x[a-l-1+j]`` (teacher forcing,
a zero vector before the sequence start), a ``nn.LSTM`` of ``--decoder`` sizes, a ReLU head of 256
and a softmax over the 256 pixel values of ``x[a-l .. a-1]`` (targets before the start masked).
Truncation as ``rnn_aux.truncation`` defines it: the read-out at the last step and the state at
the anchor each get gradient from their last 300 steps; the earlier steps run under
``torch.no_grad``. One anchor drawn per batch (``anchors_per_example=False`` on our side too: a
per-example anchor would need the cell state at a different step of each sequence, which
``nn.LSTM`` does not return). RMSprop (decay 0.9, eps 1e-8, optax's defaults) after global-norm
clipping at 1.0 on both sides. PyTorch's LSTM layers have two bias vectors (ours one): 4H more
parameters a layer.

Prints one JSON line per side: milliseconds per train step (median of ``--steps``), sequences/s,
parameter count; then the ratio. Needs a CUDA GPU and torch.
"""
import argparse
import json
import os

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # torch shares the GPU

import jax
import numpy as np
import optax

from timing import median_ms  # this folder: the scripts run as files
from rnn_aux import classifier, feedforward

VOCAB, EMBED, HIDDEN, HEAD, CLASSES, LENGTH, HORIZON = 256, 128, 128, (256, 256), 10, 600, 300


def ours(decoder, recurrence, t, batch, steps):
  main_impl, _, decoder_impl = recurrence.partition("/")
  spec = classifier.ModelSpec(num_classes=CLASSES, embed_dim=EMBED, hidden_sizes=(HIDDEN,),
                              head_sizes=HEAD, horizon=HORIZON, aux="reconstruction",
                              aux_length=LENGTH, aux_horizon=HORIZON, decoder_sizes=decoder,
                              decoder_head_sizes=(256,), anchors_per_example=False,
                              recurrence=main_impl, decoder_recurrence=decoder_impl or None)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  opt = optax.chain(optax.clip_by_global_norm(1.0), optax.rmsprop(1e-3))
  opt_state = opt.init(params)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (batch, t, 1), 0, VOCAB)
  labels = jax.random.randint(jax.random.PRNGKey(2), (batch,), 0, CLASSES)

  @jax.jit
  def step(params, opt_state, key):
    (loss, _), grads = jax.value_and_grad(classifier.objective, has_aux=True)(
        params, spec, tokens, labels, key)
    updates, opt_state = opt.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss

  state = [params, opt_state]
  keys = iter(jax.random.split(jax.random.PRNGKey(3), 2 * steps + 4))

  def run():
    state[0], state[1], loss = step(state[0], state[1], next(keys))
    jax.block_until_ready(loss)
  run(); run()  # compile, warm up
  ms = median_ms(run, steps)
  return {"side": "jax (ours)", "recurrence": recurrence, "ms": round(ms, 2),
          "sequences_per_s": round(batch / ms * 1e3),
          "parameters": feedforward.count_params(params)}


def torch_model(decoder):
  import torch
  from torch import nn

  def mlp(sizes, act):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
      layers += [nn.Linear(a, b)] + ([act()] if i + 2 < len(sizes) else [])
    return nn.Sequential(*layers)

  class RLSTM(nn.Module):
    def __init__(self):
      super().__init__()
      self.embed = nn.Embedding(VOCAB, EMBED)
      self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True)
      self.head = mlp((HIDDEN,) + HEAD + (CLASSES,), nn.GELU)
      self.bridge = nn.Linear(2 * HIDDEN, 2 * decoder[0])
      self.dec_embed = nn.Embedding(VOCAB, EMBED)
      self.decoders = nn.ModuleList(
          nn.LSTM(i, o, batch_first=True) for i, o in zip((EMBED,) + decoder[:-1], decoder))
      self.dec_head = mlp((decoder[-1], 256, VOCAB), nn.ReLU)

    def forward(self, x, labels, anchor):
      t = x.shape[1]
      with torch.no_grad():  # the steps no gradient reaches: up to each window's start
        _, s_anchor = self.lstm(self.embed(x[:, :anchor - HORIZON + 1]))
        s_last = s_anchor
        if anchor - HORIZON + 1 < t - HORIZON:
          _, s_last = self.lstm(self.embed(x[:, anchor - HORIZON + 1:t - HORIZON]), s_anchor)
      _, (h_a, c_a) = self.lstm(self.embed(x[:, anchor - HORIZON + 1:anchor + 1]), s_anchor)
      out, _ = self.lstm(self.embed(x[:, t - HORIZON:]), s_last)
      sup = nn.functional.cross_entropy(self.head(out[:, -1]), labels)
      bridged = self.bridge(torch.cat([h_a[0], c_a[0]], -1))
      h0, c0 = (s.contiguous() for s in bridged.chunk(2, -1))
      feed_idx = torch.arange(anchor - LENGTH - 1, anchor - 1, device=x.device)
      feed = self.dec_embed(x[:, feed_idx.clamp(min=0)]) * (feed_idx >= 0)[None, :, None]
      y, state = feed, (torch.tanh(h0)[None], c0[None])
      for layer in self.decoders:
        y, _ = layer(y, state)
        state = None  # upper layers start from zero
      targets = x[:, anchor - LENGTH:anchor]
      logits = self.dec_head(y)
      aux = nn.functional.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1))
      return sup + aux

  return RLSTM()


def pytorch(decoder, t, batch, steps):
  try:
    import torch
  except ImportError:
    raise SystemExit("error: torch is not installed here; the reference runs on a CUDA machine "
                     "with torch (the GPU machines have it)") from None
  if not torch.cuda.is_available():
    raise SystemExit("error: the PyTorch reference needs a CUDA GPU (cuDNN LSTMs)")
  dev = torch.device("cuda")
  torch.backends.cudnn.benchmark = True
  model = torch_model(decoder).to(dev)
  opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-8)
  g = torch.Generator().manual_seed(0)
  x = torch.randint(0, VOCAB, (batch, t), generator=g).to(dev)
  labels = torch.randint(0, CLASSES, (batch,), generator=g).to(dev)
  rng = np.random.default_rng(0)

  def run():
    anchor = int(rng.integers(LENGTH, t))  # as ours: anchors in [l, T-1]
    opt.zero_grad(set_to_none=True)
    loss = model(x, labels, anchor)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    torch.cuda.synchronize()
  for _ in range(3):
    run()
  ms = median_ms(run, steps)
  return {"side": "pytorch (cuDNN)", "torch": torch.__version__, "ms": round(ms, 2),
          "sequences_per_s": round(batch / ms * 1e3),
          "parameters": sum(p.numel() for p in model.parameters())}


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--decoder", default="256,256", help="decoder LSTM sizes, e.g. 256,256 or 128")
  ap.add_argument("--recurrence", default="fused", help="ours: scan | fused | MAIN/DECODERS")
  ap.add_argument("--T", type=int, default=784)
  ap.add_argument("--batch", type=int, default=128)
  ap.add_argument("--steps", type=int, default=20)
  a = ap.parse_args()
  decoder = tuple(int(s) for s in a.decoder.split(","))
  if a.T <= LENGTH:
    raise SystemExit(f"error: --T must exceed l={LENGTH} (anchors lie in [l, T-1])")
  common = {"decoder": list(decoder), "T": a.T, "batch": a.batch,
            "device": jax.devices()[0].device_kind, "jax": jax.__version__}
  mine = {**ours(decoder, a.recurrence, a.T, a.batch, a.steps), **common}
  print(json.dumps(mine), flush=True)
  theirs = {**pytorch(decoder, a.T, a.batch, a.steps), **common}
  print(json.dumps(theirs), flush=True)
  print(json.dumps({"ours_over_pytorch_time": round(mine["ms"] / theirs["ms"], 3), **common}),
        flush=True)


if __name__ == "__main__":
  main()
