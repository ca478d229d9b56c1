"""Session 6: is the CIFAR-10 pipeline sound? The first training sequences against the source npz,
the validation split against train_09.npz, a shuffled batch's labels, and a 1-nearest-neighbour
score on raw pixels (20,000 training images, 500 validation images).

  PYTHONPATH=. python docs/results/session6/check_cifar_pipeline.py   # data prepared in /tmp/data
"""
import numpy as np

from rnn_aux.data import pipeline, tasks

task = tasks.get_task("cifar10_jpeg_lossy")
train, validation = pipeline.split_validation(pipeline.load_source(task, "train", "/tmp/data"),
                                              5000)
source = "../shared/data/cifar10_jpeg/"
ref = {i: np.load(source + f"train_{i:02d}.npz") for i in (0, 9)}
loader = pipeline.SequenceLoader(task, train, global_batch_size=128, seed=0)
print("train size", loader.size, "cache", loader._cache is not None)
tokens, _, labels, _ = loader._cache
print(tokens.shape, labels[:10])
print("first 5000 images equal:",
      np.array_equal(tokens[:5000].reshape(5000, 32, 32, 3), ref[0]["image"]),
      np.array_equal(labels[:5000], ref[0]["label"]))
val_loader = pipeline.SequenceLoader(task, validation, global_batch_size=500, seed=0,
                                     shuffle=False, drop_remainder=False)
b = next(iter(val_loader))
print("val first batch equal to train_09:",
      np.array_equal(b.tokens.reshape(500, 32, 32, 3), ref[9]["image"][:500]),
      np.array_equal(b.labels, ref[9]["label"][:500]))
b = next(loader)  # a shuffled batch: its labels are its images' labels
order = loader._epoch_order()[:128]
print("shuffled batch:", np.array_equal(b.labels, labels[order]),
      np.bincount(b.labels, minlength=10))
x = tokens[:20000].reshape(20000, -1).astype(np.float32)
y = labels[:20000]
xv = ref[9]["image"][:500].reshape(500, -1).astype(np.float32)
yv = ref[9]["label"][:500]
d = (xv ** 2).sum(1)[:, None] - 2 * xv @ x.T + (x ** 2).sum(1)[None]
print("1-NN val acc", (y[d.argmin(1)] == yv).mean())
