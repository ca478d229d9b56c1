"""The docs' links and figures point at files the repository holds."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = ["README.md", "BUILD.md", "benchmarks/RESULTS.md", *sorted(
    os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))]


def test_every_relative_link_and_figure_in_the_docs_exists():
  checked, missing = 0, []
  for page in PAGES:
    text = open(os.path.join(ROOT, page)).read()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):  # [text](target) and ![alt](target)
      target = target.split("#", 1)[0]
      if not target or re.match(r"[a-z]+:", target):  # an anchor on the page, or a URL
        continue
      checked += 1
      if not os.path.exists(os.path.join(ROOT, os.path.dirname(page), target)):
        missing.append(f"{page}: {target}")
  assert checked > 20 and not missing, missing
