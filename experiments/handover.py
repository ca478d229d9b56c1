"""Move a workdir between machines in checksummed parts (what an exact resume needs).

  python experiments/handover.py pack WORKDIR OUT_DIR [--max_mib 15]
  python experiments/handover.py unpack OUT_DIR/NAME.handover.json DEST_PARENT

``pack`` keeps the newest checkpoint, config, results, logs and TensorBoard events; ``unpack``
verifies every part before writing and creates DEST_PARENT/NAME (never into an existing path).
Then resume with the run's own command and ``--workdir DEST_PARENT/NAME``.
"""
import argparse
import sys

from rnn_aux.train import handover


def main(argv=None):
  ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  sub = ap.add_subparsers(dest="command", required=True)
  p = sub.add_parser("pack")
  p.add_argument("workdir")
  p.add_argument("out_dir")
  p.add_argument("--max_mib", type=float, default=15.0, help="largest part, MiB")
  u = sub.add_parser("unpack")
  u.add_argument("manifest")
  u.add_argument("dest_parent")
  a = ap.parse_args(argv)
  try:
    if a.command == "pack":
      path = handover.pack(a.workdir, a.out_dir, int(a.max_mib * 2**20))
      print(f"packed {a.workdir} -> {path} (+ its parts)")
    else:
      print(f"unpacked -> {handover.unpack(a.manifest, a.dest_parent)}")
  except (ValueError, OSError) as e:
    sys.exit(f"error: {e}")


if __name__ == "__main__":
  main()
