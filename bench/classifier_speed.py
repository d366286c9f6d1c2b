"""Throughput of the generic text classifier alone, in MB of input text per CPU second, on one worker.

The pages are read and split once (cleaner.text); only cleaner.classify.classify is timed, over all
.txt pages of a folder, several rounds. CPU time (time.process_time), so that other processes on a
busy machine do not count; the figure is still lower on a loaded machine (shared caches, SMT).

Usage: python bench/classifier_speed.py [FOLDER] [--rounds N]     (FOLDER: ../shared/dev/text)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cleaner import text
from cleaner.classify import classify, default_model
from cleaner.document import Line

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent.parent / "shared" / "dev" / "text"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT_FOLDER)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    files = sorted(args.folder.glob("*.txt"))
    if not files:
        print(f"{args.folder}: no .txt pages", file=sys.stderr)
        return 1
    size, pages = 0, []
    for path in files:
        raw = path.read_bytes()
        size += len(raw)
        pages.append(text.split_and_unwrap(text.normalize_text(raw.decode("utf-8", "replace")))[0])
    default_model()
    classify([Line(text="Warm the stoplists up before timing.")])
    start = time.process_time()
    for _ in range(args.rounds):
        for lines in pages:
            classify([Line(text=line.text, blank_before=line.blank_before) for line in lines])
    seconds = time.process_time() - start
    megabytes = size * args.rounds / 1e6
    print(f"text classifier: {len(files)} pages x {args.rounds}: {megabytes:.1f} MB in {seconds:.2f} s CPU")
    print(f"text classifier: {seconds / args.rounds * 1000:.1f} ms CPU per pass, {megabytes / seconds:.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
