"""Move a workdir between machines in pieces of bounded size: what an exact resume needs, nothing
more, each piece checksummed.

A run may outlive the machine it started on (a lease ends, a transfer allows files of some size
only). :func:`pack` writes the workdir's ``config.json``, ``results.json``, logs and TensorBoard
events and its newest checkpoint (older ones and ``corrupt_checkpoints/`` stay behind) as one
gzipped tar cut into parts of at most ``max_part_bytes``, plus a manifest (``NAME.handover.json``)
with each part's SHA-256. :func:`unpack` checks every part against the manifest before it writes
anything, then extracts into a new workdir (an existing path is never written into), atomically:
the workdir appears complete or not at all. Resuming from it is the training loop's usual resume.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile

from rnn_aux.train import digests

MANIFEST_SUFFIX = ".handover.json"
FORMAT = 1


def _latest_checkpoint(workdir: str) -> int | None:
  ckpt = os.path.join(workdir, "checkpoints")
  steps = [int(n) for n in os.listdir(ckpt) if n.isdigit()] if os.path.isdir(ckpt) else []
  return max(steps) if steps else None


def _members(workdir: str, step: int | None) -> list[str]:
  """Paths (relative to the workdir) that travel."""
  out = []
  for root, dirs, files in os.walk(workdir):
    rel_root = os.path.relpath(root, workdir)
    if rel_root == ".":
      dirs[:] = [d for d in dirs if d != "corrupt_checkpoints"]
    elif rel_root == "checkpoints":
      dirs[:] = [d for d in dirs if d == str(step)]
    out += [os.path.normpath(os.path.join(rel_root, f)) for f in sorted(files)]
    dirs.sort()
  return out


class _PartWriter(io.RawIOBase):
  """A write-only stream cut into files ``prefix.part-000, -001, ...`` of at most ``size`` bytes."""

  def __init__(self, prefix: str, size: int):
    self.prefix, self.size, self.parts, self._f, self._h = prefix, size, [], None, None

  def writable(self):
    return True

  def _close_part(self):
    if self._f is not None:
      self._f.close()
      self.parts[-1]["sha256"] = self._h.hexdigest()
      self._f = None

  def write(self, b):
    b = memoryview(b)
    done = 0
    while done < len(b):
      if self._f is None or self.parts[-1]["bytes"] == self.size:
        self._close_part()
        name = f"{os.path.basename(self.prefix)}.part-{len(self.parts):03d}"
        self._f, self._h = open(f"{os.path.dirname(self.prefix)}/{name}", "wb"), hashlib.sha256()
        self.parts.append({"name": name, "bytes": 0})
      n = min(len(b) - done, self.size - self.parts[-1]["bytes"])
      self._f.write(b[done:done + n])
      self._h.update(b[done:done + n])
      self.parts[-1]["bytes"] += n
      done += n
    return len(b)

  def close(self):
    self._close_part()
    super().close()


def pack(workdir: str, out_dir: str, max_part_bytes: int = 15 * 2**20) -> str:
  """Pack ``workdir`` into ``out_dir``; returns the manifest's path."""
  workdir = os.path.normpath(workdir)
  if not os.path.isfile(os.path.join(workdir, "config.json")):
    raise ValueError(f"{workdir} has no config.json: not a training workdir")
  if max_part_bytes < 1:
    raise ValueError(f"max_part_bytes must be >= 1, got {max_part_bytes}")
  name = os.path.basename(workdir)
  os.makedirs(out_dir, exist_ok=True)
  manifest_path = os.path.join(out_dir, name + MANIFEST_SUFFIX)
  if os.path.exists(manifest_path):
    raise ValueError(f"{manifest_path} exists; pack into another directory")
  step = _latest_checkpoint(workdir)
  members = _members(workdir, step)
  writer = _PartWriter(os.path.join(out_dir, name + ".tar.gz"), max_part_bytes)
  with tarfile.open(fileobj=writer, mode="w:gz") as tar:
    for rel in members:
      tar.add(os.path.join(workdir, rel), arcname=os.path.join(name, rel), recursive=False)
  writer.close()
  manifest = {"format": FORMAT, "workdir": name, "checkpoint_step": step, "files": members,
              "parts": writer.parts}
  tmp = manifest_path + ".tmp"
  with open(tmp, "w") as f:
    json.dump(manifest, f, indent=1)
  os.replace(tmp, manifest_path)
  return manifest_path


def _check_parts(manifest: dict, folder: str) -> None:
  for part in manifest["parts"]:
    path = os.path.join(folder, part["name"])
    if not os.path.isfile(path):
      raise ValueError(f"part {part['name']} is missing from {folder}; copy every part the "
                       "manifest lists")
    if os.path.getsize(path) != part["bytes"] or digests.sha256_file(path) != part["sha256"]:
      raise ValueError(f"part {part['name']} in {folder} is damaged (size or SHA-256 differs "
                       "from the manifest); copy it again")


class _PartReader(io.RawIOBase):
  def __init__(self, paths):
    self._paths, self._f = list(paths), None

  def readable(self):
    return True

  def readinto(self, b):
    while True:
      if self._f is None:
        if not self._paths:
          return 0
        self._f = open(self._paths.pop(0), "rb")
      n = self._f.readinto(b)
      if n:
        return n
      self._f.close()
      self._f = None


def unpack(manifest_path: str, dest_parent: str) -> str:
  """Rebuild the packed workdir under ``dest_parent``; returns its path."""
  try:
    with open(manifest_path) as f:
      manifest = json.load(f)
  except (OSError, json.JSONDecodeError) as e:
    raise ValueError(f"cannot read the manifest {manifest_path} ({e})") from None
  if manifest.get("format") != FORMAT:
    raise ValueError(f"{manifest_path} is not a handover manifest of format {FORMAT}")
  folder = os.path.dirname(os.path.abspath(manifest_path))
  _check_parts(manifest, folder)
  dest = os.path.join(dest_parent, manifest["workdir"])
  if os.path.exists(dest):
    raise ValueError(f"{dest} exists; unpack under another directory (nothing was written)")
  os.makedirs(dest_parent, exist_ok=True)
  staging = tempfile.mkdtemp(prefix=".handover-", dir=dest_parent)
  try:
    reader = io.BufferedReader(_PartReader(os.path.join(folder, p["name"])
                                           for p in manifest["parts"]))
    with tarfile.open(fileobj=reader, mode="r:gz") as tar:
      tar.extractall(staging, filter="data")
    got = sorted(os.path.relpath(os.path.join(r, f), os.path.join(staging, manifest["workdir"]))
                 for r, _, fs in os.walk(staging) for f in fs)
    if got != sorted(manifest["files"]):
      raise ValueError(f"the parts of {manifest_path} do not hold the files the manifest lists")
    os.rename(os.path.join(staging, manifest["workdir"]), dest)
  finally:
    shutil.rmtree(staging, ignore_errors=True)
  return dest
