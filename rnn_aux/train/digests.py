"""SHA-256 of files, read in blocks (checkpoint manifests and hand-over parts)."""
import hashlib


def sha256_file(path: str) -> str:
  h = hashlib.sha256()
  with open(path, "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
      h.update(block)
  return h.hexdigest()
