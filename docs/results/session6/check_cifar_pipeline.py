"""Session 6: is the CIFAR-10 pipeline sound? Prepared training sequences against the source npz, the
validation split against train_09.npz, a shuffled batch's labels, and a 1-nearest-neighbour score
on raw pixels (20,000 training images, 500 validation images).

  PYTHONPATH=. python docs/results/session6/check_cifar_pipeline.py   # data prepared in /tmp/data
"""
import numpy as np
from rnn_aux.data import pipeline, tasks
t = tasks.get_task("cifar10_jpeg_lossy")
tr = pipeline.load_source(t, "train", "/tmp/data")
te = pipeline.load_source(t, "test", "/tmp/data")
trs, va = pipeline.split_validation(tr, 5000)
S = "../shared/data/cifar10_jpeg/"
ref = {i: np.load(S + f"train_{i:02d}.npz") for i in (0, 9)}
L = pipeline.SequenceLoader(t, trs, global_batch_size=128, seed=0)
print("train size", L.size, "cache", L._cache is not None)
tok, val, lab, w = L._cache
print(tok.shape, lab[:10])
im0, lb0 = ref[0]["image"], ref[0]["label"]
print("first 5000 images equal:", np.array_equal(tok[:5000].reshape(5000, 32, 32, 3), im0), np.array_equal(lab[:5000], lb0))
V = pipeline.SequenceLoader(t, va, global_batch_size=500, seed=0, shuffle=False, drop_remainder=False)
b = next(iter(V))
print("val first batch equal to train_09:", np.array_equal(b.tokens.reshape(500, 32, 32, 3), ref[9]["image"][:500]), np.array_equal(b.labels, ref[9]["label"][:500]))
# shuffled batch consistency
b = next(L)
order = L._epoch_order()[:128]
print("shuffled batch:", np.array_equal(b.labels, lab[order]), np.bincount(b.labels, minlength=10))
# nearest neighbour sanity: does a 1-NN on raw pixels of 2000 train predict val above chance?
X = tok[:20000].reshape(20000, -1).astype(np.float32); y = lab[:20000]
Vb = ref[9]["image"][:500].reshape(500, -1).astype(np.float32); vy = ref[9]["label"][:500]
d = (Vb**2).sum(1)[:, None] - 2 * Vb @ X.T + (X**2).sum(1)[None]
print("1-NN val acc", (y[d.argmin(1)] == vy).mean())
