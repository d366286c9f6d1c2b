"""The same pipeline on a Ray cluster, through Ray Data (`pip install cleaner[ray]`).

Two ways in:

- `cleaner clean ... --engine ray [--address ADDR]`: the driver lists and reads the inputs as a
  local run does (folders, WARC, JSONL, stdin), sends them in chunks through `map_batches` to a
  pool of `CleanBatch` actors spread over the cluster (each actor loads the rules once), and
  writes the results with the same sharded, resumable writer, so the output is byte-identical to
  the local engine's (and a run started on Ray can be resumed locally, or the other way round).
- `clean_dataset(ds)`: a step for one's own Ray Data pipeline, e.g. after
  `ray.data.read_binary_files(..., include_paths=True)`; it adds the record columns of
  `cleaner clean` (id, url, site, format, title, date, byline, ..., text, error).

Ray is imported only inside functions: the rest of cleaner never needs it installed.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from cleaner.document import Document, Format, Image
from cleaner.errors import InputError
from cleaner.pool import CleanerSettings
from cleaner.readers import Source
from cleaner.writers import Rendered, record_json, rendered

if TYPE_CHECKING:
    import pyarrow
    import ray.data

    from cleaner.runner import RunConfig

# Documents the driver sends to the cluster at a time: enough to keep every actor busy, bounded
# so the driver's memory does not grow with the crawl (it holds one chunk's bytes).
DRIVER_CHUNK_DOCS = 1000
# Documents an actor cleans per call: large enough to amortise Ray's per-batch overhead.
ACTOR_BATCH_DOCS = 16
RECORD_COLUMN = "record"
INDEX_COLUMN = "index"
# CPUs `clean_dataset` leaves to the read tasks of the caller's pipeline by default.
READ_CPUS = 1


def record_schema() -> pyarrow.Schema:
    """The column types of `clean_dataset`'s output: fixed, so blocks whose fields happen to be
    all null (no images in a batch, say) still have the same schema as every other block."""
    import pyarrow as pa

    text = pa.string()
    image = pa.struct([(name, text) for name in ("caption", "credit", "alt", "src", "id", "title")])
    return pa.schema(
        [
            ("id", text),
            ("url", text),
            ("site", text),
            ("format", text),
            ("title", text),
            ("date", text),
            ("byline", text),
            ("authors", pa.list_(text)),
            ("byline_source", text),
            ("images", pa.list_(image)),
            ("text", text),
            ("rules", pa.list_(text)),
            ("error", text),
        ]
    )


class CleanBatch:
    """A `map_batches` callable class: builds a Cleaner once per actor, cleans a batch of pages.

    Input columns: `data_column` (bytes or str, the page), and optionally `id_column` and
    `url_column`. With `as_json`, the output is the `index` column passed through plus a `record`
    column of JSON records (what the CLI engine uses); otherwise the record fields as columns,
    followed by the input's other columns (a record field wins a name clash; the page is dropped).
    """

    def __init__(
        self,
        settings: CleanerSettings | None = None,
        data_column: str = "bytes",
        id_column: str | None = "path",
        url_column: str | None = None,
        as_json: bool = False,
    ):
        self.cleaner = (settings or CleanerSettings()).build()
        self.data_column, self.id_column, self.url_column = data_column, id_column, url_column
        self.as_json = as_json

    def __call__(self, batch: dict[str, Any]) -> Any:
        docs = [self._clean_row(batch, row) for row in range(len(batch[self.data_column]))]
        if self.as_json:
            return {
                INDEX_COLUMN: batch[INDEX_COLUMN],
                RECORD_COLUMN: [record_json(doc) for doc in docs],
            }
        return self._as_table(batch, docs)

    def _as_table(self, batch: dict[str, Any], docs: list[Document]) -> pyarrow.Table:
        """The record columns, plus the input's other columns (not the page itself) passed through."""
        import pyarrow as pa

        table = pa.Table.from_pylist([doc.as_record() for doc in docs], schema=record_schema())
        for name, values in batch.items():
            if name != self.data_column and name not in table.column_names:
                table = table.append_column(name, pa.array(list(values)))
        return table

    def _clean_row(self, batch: dict[str, Any], row: int) -> Document:
        doc_id = str(batch[self.id_column][row]) if self.id_column in batch else str(row)
        url = (batch[self.url_column][row] or None) if self.url_column in batch else None
        data = batch[self.data_column][row]
        if data is None:
            error = batch["error"][row] if "error" in batch else None
            return Document(id=doc_id, url=url, error=error or "no data")
        try:
            return self.cleaner.clean(data, url=url, id=doc_id)
        except Exception as unexpected:  # a bug in a stage must not fail the whole Ray job
            return Document(id=doc_id, url=url, error=f"internal error: {type(unexpected).__name__}: {unexpected}")


def clean_dataset(
    ds: ray.data.Dataset,
    settings: CleanerSettings | None = None,
    *,
    data_column: str = "bytes",
    id_column: str | None = "path",
    url_column: str | None = None,
    actors: int | None = None,
    batch_size: int = ACTOR_BATCH_DOCS,
) -> ray.data.Dataset:
    """Clean the pages of a Ray Dataset; the result has one column per JSONL record field.

    `actors` defaults to the cluster's CPUs less READ_CPUS, which the pipeline's reading needs.

    >>> ds = ray.data.read_binary_files("crawl/", include_paths=True)   # columns: bytes, path
    >>> clean_dataset(ds, CleanerSettings(rules=(Path("my-rules"),))).write_json("clean/")
    """
    return ds.map_batches(
        CleanBatch,
        fn_constructor_kwargs={
            "settings": settings,
            "data_column": data_column,
            "id_column": id_column,
            "url_column": url_column,
        },
        batch_size=batch_size,
        batch_format="numpy",
        compute=_actor_pool(actors, spare_cpus=READ_CPUS),
    )


def _actor_pool(actors: int | None, spare_cpus: int = 0):
    """A fixed pool: one actor per CPU of the cluster, less `spare_cpus`, unless told otherwise.

    Why spare CPUs: each actor holds one CPU for the whole run; if actors took them all, the read
    tasks that feed them could never be scheduled and the pipeline would wait forever.
    """
    import ray
    from ray.data import ActorPoolStrategy

    cpus = int(ray.cluster_resources().get("CPU", 1))
    return ActorPoolStrategy(size=actors or max(1, cpus - spare_cpus))


def ray_clean_in_order(
    todo: Iterable[tuple[int, Source]], config: RunConfig, address: str | None = None
) -> Iterator[tuple[int, Rendered]]:
    """The engine behind `--engine ray`: (index, rendered document) in input order, cleaned on the cluster."""
    import ray

    if not ray.is_initialized():
        # No address: a local Ray with one CPU per --workers, like the local engine's pool.
        options = {"address": address} if address else {"num_cpus": config.workers}
        ray.init(**options, log_to_driver=False, include_dashboard=False, configure_logging=False)
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # not two INFO lines per chunk on stderr
    todo = iter(todo)
    while chunk := list(itertools.islice(todo, DRIVER_CHUNK_DOCS)):
        yield from _clean_chunk(chunk, config.settings, config.fmt)


def _clean_chunk(
    chunk: list[tuple[int, Source]], settings: CleanerSettings, fmt: str
) -> Iterator[tuple[int, Rendered]]:
    import ray

    ds = ray.data.from_items([_item(index, source) for index, source in chunk])
    cleaned = ds.map_batches(
        CleanBatch,
        fn_constructor_kwargs={
            "settings": settings,
            "data_column": "data",
            "id_column": "id",
            "url_column": "url",
            "as_json": True,
        },
        batch_size=ACTOR_BATCH_DOCS,
        batch_format="numpy",
        compute=_actor_pool(None),
    )
    for row in cleaned.iter_rows():
        yield int(row[INDEX_COLUMN]), rendered(document_from_record(json.loads(row[RECORD_COLUMN])), fmt)


def _item(index: int, source: Source) -> dict[str, Any]:
    """What crosses to the cluster: the bytes are read here, so workers need no access to the inputs."""
    try:
        data, error = source.read_bytes(), None
    except InputError as failure:
        data, error = None, str(failure)
    return {INDEX_COLUMN: index, "id": source.id, "url": source.url or "", "data": data, "error": error}


def document_from_record(record: dict[str, Any]) -> Document:
    """The Document a JSONL record describes (all that the writers use), so every engine writes alike."""
    return Document(
        id=record["id"],
        url=record["url"],
        site=record["site"],
        format=Format(record["format"]),
        title=record["title"],
        date=record["date"],
        byline=record["byline"],
        authors=list(record["authors"]),
        byline_source=record["byline_source"],
        images=[Image(**image) for image in record["images"]],
        text=record["text"],
        rules=list(record["rules"]),
        error=record["error"],
    )
