"""libFuzzer target (atheris) for every stage that takes untrusted bytes; run it with `make fuzz`.

The first byte of an input picks the stage, the rest is what that stage is fed:

    0  readers.decode            may raise only InputError
    1  Cleaner.clean             the whole pipeline, text or HTML: may raise nothing
    2  rules.load_rule_file      may raise only RuleError
    3  Source.read_bytes (.gz)   may raise only InputError (damaged gzip, bombs)
    4  writers.output_path       never points outside the output folder

Any other exception, a hang (libFuzzer -timeout) or a memory blow-up (-rss_limit_mb) is a
finding: libFuzzer writes the input to the artifact folder. Fix it, and keep the input as an
@example in tests/test_properties.py (or a case in tests/test_robustness.py).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["cleaner"]):
    from cleaner.errors import InputError, RuleError
    from cleaner.pipeline import Cleaner
    from cleaner.readers import Source, decode
    from cleaner.rules import load_rule_file
    from cleaner.writers import output_path

_CLEANER = Cleaner()
_SCRATCH = Path(tempfile.mkdtemp(prefix="cleaner-fuzz-"))
_OUT_ROOT = (_SCRATCH / "out").resolve()


def _decode(data: bytes) -> None:
    with contextlib.suppress(InputError):
        decode(data)


def _clean(data: bytes) -> None:
    doc = _CLEANER.clean(data, url="https://news.example.com/a")
    if doc.error is None:
        assert isinstance(doc.text, str)


def _load_rules(data: bytes) -> None:
    path = _SCRATCH / "rules.toml"
    path.write_bytes(data)
    with contextlib.suppress(RuleError):
        load_rule_file(path)


def _gunzip(data: bytes) -> None:
    path = _SCRATCH / "page.html.gz"
    path.write_bytes(data)
    with contextlib.suppress(InputError):
        Source(id=path.name, path=path).read_bytes()


def _output_path(data: bytes) -> None:
    doc_id = data.decode("utf-8", errors="replace")
    for fmt in ("txt", "md"):
        target = output_path(_OUT_ROOT, doc_id, fmt).resolve()
        assert target.is_relative_to(_OUT_ROOT) and target != _OUT_ROOT, (doc_id, target)


_STAGES = (_decode, _clean, _load_rules, _gunzip, _output_path)


def test_one_input(data: bytes) -> None:
    """libFuzzer's entry point: one input, one stage."""
    if not data:
        return
    _STAGES[data[0] % len(_STAGES)](data[1:])


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
