"""`workbench translate --ray`: an archive translated on Ray Data, with the local path's output.

Stages, in order, each a function of its own:

  expand     INPUT... -> files, folders, globs, tables of articles (workflows/archive.py)
  read       each article read, checked and segmented as the local path does (same errors)
  lookup     sentences already in the translation cache are dropped (the driver's database)
  plan       the rest deduplicated, sorted by length and cut into batches by tokens
  translate  Ray Data: one row per batch, map_batches over a pool of actors, each of which
             loads the model once and decodes with the local path's backend
  collect    results stream back to the driver, which caches each batch at once (an
             interrupted job resumes from there) and moves the progress bar
  write      each article finished with service.finish_sentences/finish_article (glossary,
             reassembly) and written atomically as soon as its last sentence is in

Only the driver touches the database and the output folder, so neither needs to be visible
from other nodes. The driver converts the model once; actors load it from the driver's
folder when their node can read it, or else from a copy the driver put in the object store.
Ray restarts an actor whose process dies and retries its batches (Ray Data's defaults); the
driver keeps the first translation of each sentence, so nothing is counted or written twice.
Ray is imported only inside the functions that need it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import errors, service
from workbench.engine import Backend, BackendSpec, DecodeOptions, batching, resolve_backend
from workbench.errors import InputError, ModelLoadError, WorkbenchError
from workbench.glossary import GlossaryEntry
from workbench.workflows import archive

if TYPE_CHECKING:
    import pyarrow

    from workbench.store import Store

logger = logging.getLogger("workbench")

INSTALL = "pip install 'workbench[ray]'"
_ADDRESS = re.compile(r"local|auto|ray://\S+|[\w.-]+:\d+")
_MIN_BATCHES_PER_ACTOR = 2  # see plan()
_WORKBENCH_ERROR = re.compile(r"^workbench\.errors\.(\w+): (.+)$", re.MULTILINE)
_CLIENT_PORT = 10001  # Ray Client's default, for ray://HOST without a port
_PROBE_SECONDS = 5
_SINGLE_MACHINE = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"  # "0": every Ray server on 127.0.0.1


@dataclass(frozen=True)
class RaySettings:
    address: str | None = None
    """None or "local": a Ray started inside this process (or the one it already runs); else a
    cluster (auto, HOST:PORT, ray://HOST:10001)."""
    actors: int | None = None
    """Default: as many as the cluster's CPUs hold."""
    cpus_per_actor: int | None = None
    """Default: 2 (1 on nodes of one CPU): one CTranslate2 worker per CPU, as on one machine."""
    ship_model: bool | None = None
    """Send the model through the object store; default: when the cluster has other nodes."""


@dataclass(frozen=True)
class Progress:
    done: int
    """Sentences finished, cache hits included."""
    total: int
    tokens: int
    """Source tokens translated so far."""
    seconds: float
    """Since the translation on Ray started (0 before)."""
    pid: int | None = None
    """The actor process that translated the batch just finished (None: no batch yet)."""


@dataclass(frozen=True)
class Report:
    articles: int
    """Articles written."""
    sentences: int
    from_cache: int
    """Sentences (occurrences) answered by the cache before the run."""
    translated: int
    """Distinct sentences the model translated."""
    tokens: int = 0
    seconds: float = 0.0
    """Wall time of the translation on Ray, start-up of the actors included."""
    busy_seconds: float = 0.0
    """The actors' time spent translating, added up (their per-actor speed: tokens / this)."""
    batches: int = 0
    actors: int = 0
    cpus_per_actor: int = 0
    per_node: dict[str, int] = field(default_factory=dict)
    """Node id -> distinct sentences translated there."""
    pids: tuple[int, ...] = ()
    """The actor processes that translated batches (a restarted actor is a new process)."""
    model_from: tuple[str, ...] = ()
    """Where the actors loaded the model from: "path" and/or "object store"."""


def require_ray(address: str | None = None) -> None:
    """Raise WorkbenchError, saying how to install it, unless the ray extra is installed.

    ``address``: as in RaySettings; for a Ray inside this process, first make it listen on
    127.0.0.1 only (which has to happen before ray is imported).
    """
    if address in (None, "local"):
        _this_machine_only()
    try:
        import pyarrow  # noqa: F401
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError as err:
        raise WorkbenchError(
            f"--ray needs Ray Data, which is not installed ({err}). Install it with: {INSTALL}"
        ) from None


def _this_machine_only() -> None:
    """Make a Ray started inside this process listen on 127.0.0.1 only, not on every interface.

    It serves this process alone. Ray's single-machine mode (its default on Windows and macOS)
    does that; the setting is read when ray is first imported and is inherited by the Ray
    processes this one starts. A Ray imported earlier keeps what it read then.
    """
    if "ray" not in sys.modules:
        os.environ.setdefault(_SINGLE_MACHINE, "0")


def check_address(address: str) -> str:
    """The address if it can name a Ray cluster, else WorkbenchError saying what can."""
    if _ADDRESS.fullmatch(address):
        return address
    hint = (
        f" ({address} is a file or folder: give INPUT before --ray, or write --ray=ADDRESS)"
        if Path(address).exists()
        else ""
    )
    raise WorkbenchError(
        f"{address!r} is not a Ray address: use auto, HOST:PORT or ray://HOST:10001, or --ray alone "
        f"for a Ray inside this process{hint}."
    )


# ------------------------------------------------------------------------------ the driver


def translate_archive(
    inputs: Sequence[str],
    outdir: Path,
    options: DecodeOptions,
    *,
    model: str | None = None,
    backend: str = "auto",
    precision: str | None = None,
    store: Store | None = None,
    glossary: Sequence[GlossaryEntry] = (),
    settings: RaySettings = RaySettings(),
    on_error: Callable[[WorkbenchError], None] = lambda err: logger.error("%s", err),
    progress: Callable[[Progress], None] | None = None,
) -> Report:
    """Translate every article of ``inputs`` on Ray into ``outdir``, as the local path would.

    ``store``: the translation cache (None: neither read nor filled). An input that cannot be
    used is passed to ``on_error`` and the others still run; a problem that stops them all
    (the model, the cluster) is raised as WorkbenchError. Ray is started only when some
    sentence is not in the cache.
    """
    require_ray(settings.address)
    items, failures = archive.expand(inputs, outdir)
    documents: list[archive.Document] = []
    for item in items:
        try:
            documents.extend(archive.read(item))
        except InputError as err:
            failures.append(err)
    for err in failures:
        on_error(err)
    if not documents:
        return Report(articles=0, sentences=0, from_cache=0, translated=0)

    spec = resolve_backend(model, backend=backend, precision=precision)
    service.make_outdir(outdir)
    hits = lookup(documents, store, spec.identity, options.cache_key())
    job = _Job(documents, hits, spec, glossary, outdir, store is not None, on_error)
    logger.info(
        "%d articles, %d sentences: %d from the cache, %d distinct to translate",
        len(documents),
        job.total,
        job.done,
        len(job.misses),
    )
    if progress:
        progress(Progress(job.done, job.total, 0, 0.0))
    job.write_finished()  # the articles the cache answered entirely, before any Ray start-up
    if not job.misses:
        return Report(job.written, job.total, job.done, 0)
    return _translate_misses(job, options, store, settings, progress)


def _translate_misses(
    job: _Job,
    options: DecodeOptions,
    store: Store | None,
    settings: RaySettings,
    progress: Callable[[Progress], None] | None,
) -> Report:
    """The translate and collect stages: the job's cache misses on Ray, each batch cached,
    counted and its finished articles written as it comes back."""
    spec, from_cache = job.spec, job.done
    with ray_session(settings.address):
        actors, cpus, room = placement(settings, spec)
        batches, tokens = plan(job.misses, _token_counter(spec), spec, options, cpus, actors)
        actors = min(actors, len(batches))
        logger.info("translating on Ray: %d batches, %d actors x %d CPUs", len(batches), actors, cpus)
        copy = ModelCopy.make(spec, ship=_ship(settings))
        tally = _Tally(time.perf_counter())
        for result in translate(batches, tokens, copy, options, actors, min(actors, room), cpus):
            for warning in result["warnings"]:
                logger.warning("%s", warning)
            fresh = job.collect(result["sources"], result["translations"])
            if store is not None and fresh:
                store.cache_translations(spec.identity, options.cache_key(), fresh)
            tally.add(result, len(fresh))
            if progress:
                progress(Progress(job.done, job.total, tally.tokens, tally.elapsed(), result["pid"]))
            job.write_finished()
    logger.info(
        "translated %d sentences (%d source tokens) on Ray in %.1f s (%.1f s of decoding in %d actor "
        "processes); sentences per node: %s",
        len(job.misses),
        tally.tokens,
        tally.elapsed(),
        tally.busy,
        len(tally.pids),
        ", ".join(f"{node[:8]} {count}" for node, count in tally.per_node.items()),
    )
    if job.unfinished:
        raise WorkbenchError(
            f"Ray returned no translation for {job.unfinished} articles. Run the same command again: "
            "what was translated is in the cache."
        )
    return Report(
        articles=job.written,
        sentences=job.total,
        from_cache=from_cache,
        translated=len(job.misses),
        tokens=tally.tokens,
        seconds=tally.elapsed(),
        busy_seconds=tally.busy,
        batches=len(batches),
        actors=actors,
        cpus_per_actor=cpus,
        per_node=dict(tally.per_node),
        pids=tuple(tally.pids),
        model_from=tuple(tally.model_from),
    )


def plan(
    sentences: Sequence[str],
    count: Callable[[str], int],
    spec: BackendSpec,
    options: DecodeOptions,
    cpus: int,
    actors: int,
) -> tuple[list[list[str]], list[int]]:
    """The sentences in batches, longest first, and each batch's source tokens.

    A batch holds one token budget per decoding thread of an actor, so that all of them are
    busy; less in a small job, so that every actor gets a few batches and the last one does
    not finish long after the others.
    """
    from workbench.engine import ct2

    lengths = [count(s) for s in sentences]
    workers = ct2.thread_plan(cpus)[0] if spec.name == ct2.NAME and spec.device != "cuda" else 1
    fair_share = sum(lengths) // (actors * _MIN_BATCHES_PER_ACTOR)
    budget = max(1, min(options.batch_tokens * workers, fair_share))
    batches = batching.plan_batches(lengths, budget)
    return [[sentences[i] for i in b] for b in batches], [sum(lengths[i] for i in b) for b in batches]


@dataclass
class _Tally:
    """What the batches that came back add up to, for the progress bar and the report."""

    started: float
    tokens: int = 0
    busy: float = 0.0
    per_node: Counter[str] = field(default_factory=Counter)
    pids: dict[int, None] = field(default_factory=dict)  # a dict keeps the order seen
    model_from: dict[str, None] = field(default_factory=dict)

    def add(self, result: dict[str, Any], fresh: int) -> None:
        self.tokens += result["tokens"]
        self.busy += result["seconds"]
        self.per_node[result["node"]] += fresh
        self.pids[result["pid"]] = None
        self.model_from[result["model_from"]] = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def lookup(
    documents: Sequence[archive.Document], store: Store | None, identity: str, options_key: str
) -> dict[str, str]:
    """Translations the cache already holds for the documents' sentences."""
    if store is None:
        return {}
    sentences = batching.unique(s for d in documents for s in d.sources if s.strip())
    return store.cached_translations(identity, options_key, sentences)


class _Job:
    """The driver's bookkeeping: which article waits for which sentence, and the writing.

    An article is written as soon as its last sentence is translated; a table once all its
    articles are. A sentence counts as cached in an article as on the local path, which
    translates the inputs one after the other: when the cache held it before the run, or an
    earlier article of the run had it.
    """

    def __init__(
        self,
        documents: Sequence[archive.Document],
        hits: dict[str, str],
        spec: BackendSpec,
        glossary: Sequence[GlossaryEntry],
        outdir: Path,
        caching: bool,
        on_error: Callable[[WorkbenchError], None],
    ) -> None:
        self.documents = documents
        self.raw = dict(hits)
        self.spec = spec
        self.glossary = glossary
        self.outdir = outdir
        self.on_error = on_error
        self.occurrences: Counter[str] = Counter(s for d in documents for s in d.sources if s.strip())
        self.misses = [s for s in self.occurrences if s not in hits]
        # Sentences (occurrences) in all, and those translated or from the cache: the progress bar.
        self.total = sum(len(d.sources) for d in documents)
        self.done = self.total - sum(self.occurrences[s] for s in self.misses)
        self.cached: list[frozenset[str]] = []
        self.waiting: dict[str, list[int]] = {}
        self.remaining: list[int] = []
        seen = set(hits)
        for index, document in enumerate(documents):
            sources = {s for s in document.sources if s.strip()}
            self.cached.append(frozenset(sources & seen) if caching else frozenset())
            if caching:
                seen |= sources
            missing = [s for s in sources if s not in hits]
            for sentence in missing:
                self.waiting.setdefault(sentence, []).append(index)
            self.remaining.append(len(missing))
        self.articles_left: Counter[archive.Input] = Counter(d.input for d in documents)
        self.tables: dict[archive.Input, list[tuple[int, service.ArticleTranslation]]] = {}
        self.ready = [i for i, left in enumerate(self.remaining) if left == 0]
        self.written = 0

    @property
    def unfinished(self) -> int:
        return sum(1 for left in self.remaining if left > 0)

    def collect(self, sources: Sequence[str], translations: Sequence[str]) -> dict[str, str]:
        """Keep a batch's translations; returns those not seen before (a retried batch may
        come back twice)."""
        fresh = {s: t for s, t in zip(sources, translations, strict=True) if s not in self.raw}
        self.raw.update(fresh)
        self.done += sum(self.occurrences[s] for s in fresh)
        for sentence in fresh:
            for index in self.waiting.pop(sentence, ()):
                self.remaining[index] -= 1
                if self.remaining[index] == 0:
                    self.ready.append(index)
        return fresh

    def write_finished(self) -> None:
        ready, self.ready = self.ready, []
        for index in ready:
            document = self.documents[index]
            results = service.finish_sentences(document.sources, self.raw, self.cached[index], self.glossary)
            result = service.finish_article(document.name, self.spec.ref.name, document.article, results)
            item = document.input
            if not item.table:
                self._write(1, service.write_outputs, result, self.outdir, item.stem)
                continue
            self.tables.setdefault(item, []).append((index, result))
            self.articles_left[item] -= 1
            if self.articles_left[item] == 0:
                # In the table's order, whatever order its articles were finished in.
                done = sorted(self.tables.pop(item), key=lambda pair: pair[0])
                rows = [(self.documents[i].key, r) for i, r in done]
                self._write(len(rows), archive.write_table, item.outputs(self.outdir)[0], rows)

    def _write(self, articles: int, write: Callable[..., object], *args: Any) -> None:
        try:
            write(*args)
        except InputError as err:
            self.on_error(err)
            return
        self.written += articles


def _ship(settings: RaySettings) -> bool:
    if settings.ship_model is not None:
        return settings.ship_model
    import ray

    # Another node may not see the driver's model folder; a copy in the object store is
    # fetched only by the actors that need it.
    return len([n for n in ray.nodes() if n["Alive"]]) > 1 or (settings.address or "").startswith("ray://")


def _token_counter(spec: BackendSpec) -> Callable[[str], int]:
    """Source tokens of a sentence as the model counts them (pieces + </s>), for batching."""
    import sentencepiece

    pieces = sentencepiece.SentencePieceProcessor(model_file=str(spec.path / "source.spm"))
    return lambda sentence: len(pieces.encode(sentence)) + 1


# ------------------------------------------------------------------------------ Ray


@contextmanager
def ray_session(address: str | None) -> Iterator[None]:
    """Ray for the length of the block: started inside this process (address None or
    "local") or joined at ``address``; a Ray the caller already started is used as it is."""
    import ray
    import ray.data

    context = ray.data.DataContext.get_current()
    saved = (context.enable_progress_bars, context.print_on_execution_start)
    data_logger = logging.getLogger("ray.data")
    saved_level = data_logger.level
    # One progress bar, ours; Ray Data's bars and execution-plan lines would interleave with it.
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    data_logger.setLevel(logging.CRITICAL)  # its errors reach the caller as one WorkbenchError
    started = False
    try:
        if not ray.is_initialized():
            _init(ray, address)
            started = True
        elif address not in (None, "local"):
            raise WorkbenchError(
                f"this process already runs Ray, so it cannot join the cluster at {address}: "
                "leave out the address to use the Ray it runs, or call ray.shutdown() first."
            )
        yield
    finally:
        if started:
            ray.shutdown()
        context.enable_progress_bars, context.print_on_execution_start = saved
        data_logger.setLevel(saved_level)


def _init(ray: Any, address: str | None) -> None:
    local = address in (None, "local")
    if not local:
        _probe(str(address))
    try:
        ray.init(
            address="local" if local else address,
            include_dashboard=False if local else None,
            # Workers' output stays in Ray's log files; their warnings travel with the results.
            log_to_driver=False,
            logging_level=logging.ERROR,
        )
    except (ConnectionError, RuntimeError, ValueError) as err:
        cause = _first_line(err)
        where = "start Ray inside this process" if local else f"connect to the Ray cluster at {address}"
        fix = (
            "Run `ray stop` if a broken local Ray is left over, or try again."
            if local
            else "Check the address and that the cluster is up (`ray status`), "
            "or start one with `ray start --head`."
        )
        raise WorkbenchError(f"cannot {where}: {cause}. {fix}") from None


def _probe(address: str) -> None:
    """Refuse an address where nothing listens: ray.init would wait for it for ever."""
    match = re.fullmatch(r"(?:ray://)?(.+?)(?::(\d+))?", address)
    if address == "auto" or match is None:
        return  # Ray finds the cluster itself, and says so quickly when there is none
    host, port = match.group(1), int(match.group(2) or _CLIENT_PORT)
    try:
        socket.create_connection((host, port), timeout=_PROBE_SECONDS).close()
    except OSError as err:
        raise WorkbenchError(
            f"cannot connect to the Ray cluster at {address}: nothing answers at {host}:{port} "
            f"({err.strerror or err}). Check the address and that the cluster is up (`ray status` "
            "on its head node), or start one with `ray start --head`."
        ) from None


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0].rstrip(".") if text else type(err).__name__


def placement(settings: RaySettings, spec: BackendSpec) -> tuple[int, int, int]:
    """(actors, CPUs per actor, actors the cluster has room for now)."""
    import ray

    nodes = [n["Resources"] for n in ray.nodes() if n["Alive"]]
    cpus = [int(r.get("CPU", 0)) for r in nodes]
    if spec.device == "cuda":
        gpus = sum(int(r.get("GPU", 0)) for r in nodes)
        if not gpus:
            raise WorkbenchError(
                "the model is set to run on cuda, but the Ray cluster has no GPUs. "
                "Set WORKBENCH_DEVICE=cpu, or add GPU nodes to the cluster."
            )
        per_actor = settings.cpus_per_actor or 1
        room = gpus
    else:
        largest = max(cpus, default=0)
        if largest == 0:
            raise WorkbenchError("the Ray cluster has no CPUs to translate with. Add nodes that have some.")
        per_actor = settings.cpus_per_actor or min(2, largest)
        if per_actor > largest:
            raise WorkbenchError(
                f"--cpus-per-actor {per_actor}: no node of the Ray cluster has that many CPUs "
                f"(the largest has {largest}). Give at most {largest}."
            )
        room = sum(c // per_actor for c in cpus)
    actors = settings.actors or room
    if actors > room:
        logger.warning(
            "the Ray cluster has room for %d actors of %d CPUs now; the other %d start when nodes join",
            room,
            per_actor,
            actors - room,
        )
    return actors, per_actor, room


def translate(
    batches: Sequence[Sequence[str]],
    tokens: Sequence[int],
    copy: ModelCopy,
    options: DecodeOptions,
    actors: int,
    ready: int,
    cpus: int,
) -> Iterator[dict[str, Any]]:
    """Each batch's translations as an actor finishes it (in no particular order).

    ``actors`` at most, ``ready`` of them at once (the others when nodes join the cluster).
    """
    import ray.data
    import ray.exceptions

    rows = [{"sources": list(batch), "tokens": count} for batch, count in zip(batches, tokens, strict=True)]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
    pool = (
        ray.data.ActorPoolStrategy(size=actors)
        if ready >= actors
        else ray.data.ActorPoolStrategy(min_size=max(1, ready), max_size=actors)
    )
    dataset = dataset.map_batches(
        BatchTranslator,
        fn_constructor_kwargs={"model": copy, "options": options},
        compute=pool,
        num_cpus=cpus,
        num_gpus=1 if copy.spec.device == "cuda" else None,
        batch_size=1,
        batch_format="pyarrow",
    )
    try:
        yield from dataset.iter_rows()
    except (ray.exceptions.RayError, WorkbenchError) as err:
        raise _explain(err) from None


def _explain(err: BaseException) -> WorkbenchError:
    """A Ray failure as one line: the workbench's own error, if an actor raised one."""
    import ray.exceptions

    pending: list[object] = [err]
    seen: set[int] = set()
    texts: list[str] = []
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        # A task's exception comes back as a RayTaskError that is also an instance of the
        # original class, with the original as its `cause`.
        if isinstance(current, WorkbenchError) and not isinstance(current, ray.exceptions.RayError):
            return current
        texts.append(str(current))
        pending += [getattr(current, "cause", None), current.__cause__, current.__context__]
    # An actor that failed to start comes back as an ActorDiedError holding only the text.
    for text in texts:
        if found := _WORKBENCH_ERROR.search(text):
            kind = getattr(errors, found.group(1), WorkbenchError)
            return (
                kind(found.group(2)) if issubclass(kind, WorkbenchError) else WorkbenchError(found.group(2))
            )
    return WorkbenchError(
        f"the translation on Ray failed: {_first_line(err)}. What was translated is in the cache: run the "
        "same command again to resume."
    )


@dataclass(frozen=True)
class ModelCopy:
    """The model as actors get it: the driver's folder when their node can read it, else the
    copy of that folder in the object store (``files``, when the driver sent one)."""

    spec: BackendSpec
    files: Any = None
    """ObjectRef of {file name: bytes}, or None."""

    @classmethod
    def make(cls, spec: BackendSpec, *, ship: bool) -> ModelCopy:
        if not ship:
            return cls(spec)
        import ray

        files = {p.name: p.read_bytes() for p in sorted(spec.path.iterdir()) if _model_file(p)}
        return cls(spec, ray.put(files))

    def load(self, cores: int | None = None) -> tuple[Backend, str]:
        """The backend, and where it came from: "path" or "object store"."""
        if _holds_model(self.spec, self.spec.path):
            return self.spec.load(cores=cores), "path"
        if self.files is None:
            raise ModelLoadError(
                f"the model folder {self.spec.path} is not on this Ray node ({os.uname().nodename}). "
                "Put the models folder (WORKBENCH_MODELS) where every node can read it."
            )
        import ray

        folder = Path(tempfile.mkdtemp(prefix="workbench-model-"))
        for name, data in ray.get(self.files).items():
            (folder / name).write_bytes(data)
        backend = self.spec.load(path=folder, cores=cores)
        weakref.finalize(backend, shutil.rmtree, folder, ignore_errors=True)
        return backend, "object store"


def _model_file(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".")


def _holds_model(spec: BackendSpec, folder: Path) -> bool:
    """Whether ``folder`` on this node holds the very model the driver chose."""
    from workbench.engine import ct2, models

    if spec.name == ct2.NAME:
        # The content hash, not the name: a conversion serves every name of the same model
        # (a hub id, a local copy, a relative path), as ct2.converted_dir keys it.
        source = ct2.conversion_source(folder)
        return source is not None and source.rpartition("@")[2] == spec.ref.identity.rpartition("@")[2]
    try:
        return folder.is_dir() and models.identity(spec.ref.name, folder) == spec.ref.identity
    except ModelLoadError:
        return False


class _Collect(logging.Handler):
    """The workbench's warnings during one batch, to be sent back with its results."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class BatchTranslator:
    """A Ray Data actor: loads the model once, then translates one batch per call."""

    def __init__(self, model: ModelCopy, options: DecodeOptions) -> None:
        import ray

        context = ray.get_runtime_context()
        cpus = context.get_assigned_resources().get("CPU")
        self.node = context.get_node_id()
        self.pid = os.getpid()
        self.options = options
        self.warnings = _Collect()
        logging.getLogger("workbench").addHandler(self.warnings)
        self.backend, self.model_from = model.load(cores=int(cpus) if cpus else None)

    def __call__(self, batch: pyarrow.Table) -> pyarrow.Table:
        import pyarrow as pa

        columns = ("sources", "translations", "tokens", "seconds", "warnings", "node", "pid", "model_from")
        out: dict[str, list[Any]] = {key: [] for key in columns}
        for row in batch.to_pylist():
            self.warnings.messages = []
            started = time.perf_counter()
            out["translations"].append(self.backend.translate(row["sources"], self.options))
            out["seconds"].append(time.perf_counter() - started)
            out["sources"].append(row["sources"])
            out["tokens"].append(row["tokens"])
            out["warnings"].append(self.warnings.messages)
            out["node"].append(self.node)
            out["pid"].append(self.pid)
            out["model_from"].append(self.model_from)
        return pa.table(out)
