"""Settings, resolved when asked for (never at import time).

Environment variables:
  WORKBENCH_MODEL   hub id or local directory of the Marian model (default Helsinki-NLP/opus-mt-de-en)
  WORKBENCH_DB      the database: a SQLite file path (default: $XDG_DATA_HOME/workbench/workbench.db,
                    i.e. ~/.local/share/workbench/workbench.db) or a postgresql:// URL
  WORKBENCH_MODELS  folder for downloaded and converted models (default: models/ of this checkout,
                    or ./models when installed elsewhere)
  WORKBENCH_DEVICE  cpu, cuda or auto (default auto)
  WORKBENCH_REVIEWER  the name recorded with review actions (default: the login name)
  WORKBENCH_AUTH    none or oidc: how the review app knows who is reviewing (`workbench app --auth`)
  WORKBENCH_ROLES   the roles file mapping logged-in people to roles (`workbench app --roles`)
  WORKBENCH_SECRETS the Streamlit secrets file with the [auth] login settings (`workbench app --secrets`)
  WORKBENCH_DB_TIMEOUT_MS  how long a write waits for another program's write lock on the
                    database before it gives up with "busy" (default 30000)
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from workbench.errors import WorkbenchError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-de-en"


def project_root() -> Path | None:
    """The source checkout this package runs from, if it is one (has pyproject.toml beside it)."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def models_dir() -> Path:
    if env := os.environ.get("WORKBENCH_MODELS"):
        return Path(env).expanduser()
    root = project_root()
    return (root / "models") if root else Path.cwd() / "models"


def local_copy_dir(model_id: str) -> Path:
    """Where `workbench model download` keeps a hub model: models/<org>--<name>."""
    return models_dir() / model_id.replace("/", "--")


def model_name(explicit: str | None = None) -> str:
    """The model to use: --model, else WORKBENCH_MODEL, else the default.

    A hub id with a downloaded copy under models/ resolves to that copy, so a model
    downloaded once works offline from then on.
    """
    name = explicit or os.environ.get("WORKBENCH_MODEL") or DEFAULT_MODEL
    if not Path(name).expanduser().exists():
        local = local_copy_dir(name)
        if (local / "config.json").is_file():
            return str(local)
    return name


def database(explicit: str | os.PathLike[str] | None = None) -> str:
    """The database: --db, else WORKBENCH_DB, else the per-user SQLite file.

    A file path means SQLite; a ``postgresql://`` URL means a shared PostgreSQL server.
    """
    if explicit:
        return os.fspath(explicit)
    if env := os.environ.get("WORKBENCH_DB"):
        return env
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return str(data_home / "workbench" / "workbench.db")


DEFAULT_DB_TIMEOUT_MS = 30_000


def db_timeout_ms() -> int:
    """How long a write waits for the database's write lock (WORKBENCH_DB_TIMEOUT_MS), in ms."""
    setting = os.environ.get("WORKBENCH_DB_TIMEOUT_MS", "").strip()
    if not setting:
        return DEFAULT_DB_TIMEOUT_MS
    try:
        value = int(setting)
    except ValueError:
        value = -1
    if value <= 0:
        raise WorkbenchError(
            f"WORKBENCH_DB_TIMEOUT_MS is set to {setting!r}: give a whole number of milliseconds above 0 "
            f"(default {DEFAULT_DB_TIMEOUT_MS})."
        )
    return value


def device(explicit: str | None = None) -> str:
    """cpu or cuda; 'auto' picks cuda when CTranslate2 sees a GPU."""
    setting = explicit or os.environ.get("WORKBENCH_DEVICE") or "auto"
    choice = setting.strip().lower()
    if choice not in ("auto", "cpu", "cuda"):
        source = "the device" if explicit else "WORKBENCH_DEVICE"
        raise WorkbenchError(f"{source} is set to {setting!r}: use cpu, cuda or auto.")
    if choice != "auto":
        return choice
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except (ImportError, RuntimeError):
        return "cpu"


def seeds_dir() -> Path:
    root = project_root()
    return (root / "seeds") if root else Path.cwd() / "seeds"


def corpus_dir() -> Path:
    root = project_root()
    return (root / "corpus") if root else Path.cwd() / "corpus"


def reviewer() -> str:
    """Who is reviewing (from the command line, or the app without login): WORKBENCH_REVIEWER,
    else the login name."""
    if name := os.environ.get("WORKBENCH_REVIEWER", "").strip():
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "reviewer"


def auth() -> str:
    """How the review app knows who is reviewing: "none" (the reviewer types a name; one person
    on this machine) or "oidc" (everyone logs in). Set by `workbench app --auth`."""
    setting = os.environ.get("WORKBENCH_AUTH", "").strip().lower() or "none"
    if setting not in ("none", "oidc"):
        raise WorkbenchError(f"WORKBENCH_AUTH is set to {setting!r}: use none or oidc.")
    return setting


def roles_file() -> str | None:
    """The roles file (WORKBENCH_ROLES), None when unset."""
    return os.environ.get("WORKBENCH_ROLES", "").strip() or None


def secrets_file() -> Path:
    """The Streamlit secrets file with the login settings: WORKBENCH_SECRETS, else
    .streamlit/secrets.toml of this checkout (or of the current folder)."""
    if env := os.environ.get("WORKBENCH_SECRETS", "").strip():
        return Path(env).expanduser()
    return (project_root() or Path.cwd()) / ".streamlit" / "secrets.toml"
