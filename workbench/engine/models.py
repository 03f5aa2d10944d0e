"""Finding a Marian model on disk, checking it, naming it for the cache, and downloading one.

A model is named by a local directory or a Hugging Face hub id. Hub ids are looked up in
the hub's local cache first, so a model fetched once works offline. Every failure becomes a
ModelLoadError that names the model, the cause and the fix. Used by every backend.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench import config, tempfiles
from workbench.errors import ModelLoadError, WorkbenchError

# What a Marian model needs; weights in either format, tokenizer files, generation defaults.
HUB_FILES = [
    "config.json",
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.json",
    "*.spm",
    "*.safetensors",
    "pytorch_model.bin",
]
# Files whose content decides the translations, hashed into the model's identity.
_IDENTITY_PATTERNS = (
    "config.json",
    "generation_config.json",
    "tokenizer_config.json",  # model_max_length decides where overlong inputs are cut
    "special_tokens_map.json",
    "vocab.json",
    "target_vocab.json",
    "*.spm",
    "*.safetensors",
    "pytorch_model.bin",
)
_TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")
_WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model.bin")
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelRef:
    name: str
    """The model as named: hub id or directory."""
    path: Path
    """Local directory holding it."""
    identity: str
    """name@content-hash: changes whenever the weights, vocabulary or configuration do."""


def resolve(name: str | None = None) -> ModelRef:
    """The Marian model named (default from settings), found locally and checked."""
    from_env = not name and os.environ.get("WORKBENCH_MODEL")
    name = config.model_name(name)
    try:
        path = locate(name)
        check_marian(path, name)
    except ModelLoadError as err:
        if not from_env:
            raise
        # The user typed no model name: say where this one came from, or they look for it in vain.
        raise ModelLoadError(f"{err} WORKBENCH_MODEL is set to {from_env}: correct or unset it.") from None
    return ModelRef(name, path, identity(name, path))


def locate(name: str) -> Path:
    """Local directory of a model named by directory or hub id."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    if path.exists():
        raise ModelLoadError(
            f"model {name} is a file, not a model directory. "
            "Pass --model with the folder that holds config.json and the weights."
        )
    if not _HUB_ID.fullmatch(name):
        raise ModelLoadError(
            f"model directory {name} does not exist. Check the path, or pass --model with a "
            f"hub id such as {config.DEFAULT_MODEL}."
        )
    return _from_hub(name)


def _hub_offline() -> bool:
    # huggingface_hub reads HF_HUB_OFFLINE once at import; read it again so a change is seen.
    from huggingface_hub import constants

    flag = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return constants.HF_HUB_OFFLINE or flag.strip().upper() in {"1", "ON", "YES", "TRUE"}


def _cause(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _from_hub(model_id: str) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        return Path(snapshot_download(model_id, allow_patterns=HUB_FILES, local_files_only=True))
    except HFValidationError:
        raise ModelLoadError(
            f"model {model_id} is neither an existing directory nor a valid hub id. Check the path, "
            f"or pass --model with a hub id such as {config.DEFAULT_MODEL}."
        ) from None
    except LocalEntryNotFoundError:
        pass  # not fetched yet: try the hub
    offline = _hub_offline()
    fix = (
        f"Run `workbench model download {model_id}` on a machine with network access and copy the "
        f"folder it makes ({config.local_copy_dir(model_id)}) here, or pass --model DIR with a local copy."
    )
    if offline:
        raise ModelLoadError(
            f"cannot load model {model_id}: it is not a local directory, not downloaded yet, and "
            f"HF_HUB_OFFLINE is set, so the Hugging Face hub is not asked. {fix}"
        )
    try:
        return Path(snapshot_download(model_id, allow_patterns=HUB_FILES))
    except RepositoryNotFoundError:
        raise ModelLoadError(
            f"cannot load model {model_id}: there is no such model on the Hugging Face hub and no "
            f"directory of that name. Check the spelling (the default is {config.DEFAULT_MODEL}) or "
            "pass --model DIR."
        ) from None
    except OSError as err:  # LocalEntryNotFoundError and HfHubHTTPError: no network or hub error
        raise ModelLoadError(
            f"cannot load model {model_id}: it is not a local directory, not downloaded yet, and the "
            f"Hugging Face hub cannot be reached ({_cause(err)}). {fix}"
        ) from None


def _named(name: str, path: Path) -> str:
    """The model as messages name it: with the folder it was found in, if that is not its name."""
    return f"model {name}" if Path(name).expanduser() == path else f"model {name} ({path})"


def check_marian(path: Path, name: str) -> None:
    """Raise ModelLoadError unless ``path`` holds a Marian translation model."""
    config_file = path / "config.json"
    fix = (
        "Pass --model with a folder holding a Marian model (config.json, vocab.json, source.spm, "
        f"target.spm and weights), or a hub id such as {config.DEFAULT_MODEL}."
    )
    if not config_file.is_file():
        raise ModelLoadError(f"{_named(name, path)} is not a model directory: it has no config.json. {fix}")
    try:
        model_type = json.loads(config_file.read_text(encoding="utf-8")).get("model_type")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as err:
        raise ModelLoadError(f"model {name}: cannot read {config_file} ({_cause(err)}). {fix}") from None
    if model_type != "marian":
        raise ModelLoadError(
            f"model {name} is not a Marian translation model (config.json says model_type "
            f"{model_type!r}, expected 'marian'). {fix}"
        )
    missing = [f for f in _TOKENIZER_FILES if not (path / f).is_file()]
    if not any(any(path.glob(pattern)) for pattern in _WEIGHT_PATTERNS):
        missing.append("weights (model.safetensors or pytorch_model.bin)")
    if missing:
        raise ModelLoadError(
            f"{_named(name, path)} is incomplete: {', '.join(missing)} missing. Download it again "
            f"(`workbench model download`) or copy the whole model folder. {fix}"
        )


def load_marian(ref: ModelRef, dtype: str = "float32") -> tuple[Any, Any]:
    """MarianTokenizer and MarianMTModel from the model's directory (both backends load it).

    Damaged or incomplete files (truncated weights, a broken vocab) become one ModelLoadError
    naming the model and the fix, whichever backend found them.
    """
    import torch
    from safetensors import SafetensorError
    from transformers import MarianMTModel, MarianTokenizer

    try:
        tokenizer = MarianTokenizer.from_pretrained(ref.path)
        network = MarianMTModel.from_pretrained(ref.path, dtype=getattr(torch, dtype))
    except (OSError, ValueError, KeyError, TypeError, SafetensorError) as err:
        raise ModelLoadError(
            f"cannot load model {ref.name} from {ref.path}: {_cause(err)}. The directory may be incomplete "
            "or damaged: download it again (`workbench model download`) or pass another --model DIR."
        ) from None
    return tokenizer, network


def identity(name: str, path: Path) -> str:
    """``name@hash``: the hash covers configuration, tokenizer settings, weights, vocabulary and
    SentencePiece files."""
    digest = hashlib.sha256()
    files = sorted({f for pattern in _IDENTITY_PATTERNS for f in path.glob(pattern) if f.is_file()})
    if not files:
        raise ModelLoadError(f"{_named(name, path)} has no model files to load. Check the directory.")
    for file in files:
        digest.update(file.name.encode("utf-8") + b"\0" + file_digest(file).encode("ascii") + b"\0")
    return f"{name}@{digest.hexdigest()[:16]}"


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered per path, mtime and size: repeated calls cost a stat()."""
    real = path.resolve()  # hub cache entries are symlinks into a blob store
    info = real.stat()
    return _digest(str(real), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def download(model_id: str, target: Path | None = None, *, force: bool = False) -> Path:
    """Save a hub model into ``target`` (default models/<org>--<name>) for offline use.

    Downloads into a temporary folder beside the target and renames it into place, so an
    interrupted download never leaves a half model where the workbench would pick it up.
    """
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, RepositoryNotFoundError

    target = Path(target).expanduser() if target else config.local_copy_dir(model_id)
    if target.exists() and not target.is_dir():
        raise WorkbenchError(f"{target} exists and is not a directory. Choose another --to DIR.")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise WorkbenchError(f"{target} already exists and is not empty. Use --force to replace it.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tempfiles.remove_stale(target.parent, tempfiles.partial_pattern(target))
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    except OSError as err:
        raise WorkbenchError(
            f"cannot write to {target.parent}: {err.strerror}. Choose another --to DIR."
        ) from None
    try:
        with tempfiles.locked(temp):
            try:
                snapshot_download(model_id, local_dir=temp, allow_patterns=HUB_FILES)
            except HFValidationError:
                raise WorkbenchError(
                    f"{model_id!r} is not a valid hub id (expected ORG/NAME, e.g. {config.DEFAULT_MODEL})."
                ) from None
            except RepositoryNotFoundError:
                raise ModelLoadError(
                    f"there is no model {model_id} on the Hugging Face hub. Check the spelling "
                    f"(the default is {config.DEFAULT_MODEL})."
                ) from None
            except OSError as err:
                cause = "HF_HUB_OFFLINE is set: unset it to download" if _hub_offline() else _cause(err)
                raise ModelLoadError(
                    f"cannot download {model_id}: the Hugging Face hub cannot be reached ({cause}). "
                    f"On a machine with network access run `workbench model download {model_id}`, copy "
                    f"the folder it makes to this machine (e.g. to {target}) and pass --model DIR."
                ) from None
            shutil.rmtree(temp / ".cache", ignore_errors=True)  # the hub client's download bookkeeping
            check_marian(temp, model_id)
            _replace_dir(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return target


def _replace_dir(new: Path, target: Path) -> None:
    if not target.exists():
        new.rename(target)
        return
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
