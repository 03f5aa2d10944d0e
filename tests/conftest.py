"""Shared fixtures: a tiny trained Marian model (built once per session) and a temp database."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import tinymodel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a Marian model that translates tinymodel.PAIRS exactly."""
    return tinymodel.build(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "workbench.db"
    monkeypatch.setenv("WORKBENCH_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real database or models folder from a test."""
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "workbench.db"))
    monkeypatch.setenv("WORKBENCH_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("WORKBENCH_MODEL", raising=False)
