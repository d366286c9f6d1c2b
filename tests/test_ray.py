"""The Ray engine on a local Ray instance this test starts (2 CPUs): same output as the local engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scale_crawl import build_crawl, sample_warc

from cleaner.pool import CleanerSettings
from cleaner.ray_engine import clean_dataset, ray_clean_in_order
from cleaner.runner import RunConfig, run

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install cleaner[ray])")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_crawl(tmp_path_factory.mktemp("raycrawl") / "crawl", pages=30)
    sample_warc(root / "zz.warc.gz")
    return root


def test_ray_engine_output_is_identical_to_the_local_engine(local_ray, crawl: Path, tmp_path: Path) -> None:
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    run(RunConfig(inputs=(str(crawl),), out=local, workers=2, shard_size=7))
    stats = run(
        RunConfig(inputs=(str(crawl),), out=distributed, workers=2, shard_size=7),
        clean_all=lambda todo, config: ray_clean_in_order(todo, config),
    )
    assert stats.cleaned == 34 and stats.errors == 1
    assert distributed.read_bytes() == local.read_bytes()


def test_clean_dataset_in_ones_own_ray_data_pipeline(local_ray, crawl: Path, tmp_path: Path) -> None:
    pages = sorted(p for p in crawl.rglob("*.html"))
    ds = ray.data.read_binary_files([str(p) for p in pages], include_paths=True)
    rows = clean_dataset(ds, CleanerSettings()).take_all()  # 1 actor: the read task needs the other CPU
    local = tmp_path / "local.jsonl"
    run(RunConfig(inputs=tuple(str(p) for p in pages), out=local, workers=1))
    expected = {r["id"]: r for r in map(json.loads, local.read_text().splitlines())}
    assert len(rows) == len(pages)
    for row in rows:
        want = expected[Path(row["path"]).name]
        assert (row["text"], row["title"], row["error"]) == (want["text"], want["title"], want["error"])
    # The fixed schema lets Ray write the result as JSON even when a column is null in every row.
    clean_dataset(ds, CleanerSettings(), actors=1).write_json(str(tmp_path / "out"))
    written = [json.loads(line) for f in sorted((tmp_path / "out").glob("*.json")) for line in f.open()]
    assert sorted(r["path"] for r in written) == sorted(str(p) for p in pages)
