"""Login: what `workbench app` refuses before it serves anyone (an open address without login,
missing or incomplete OIDC settings, a missing or bad roles file), and the app under
`--auth oidc` through AppTest with a seeded ``st.user``: the login page alone, the identity
recorded, and what each role sees. The real login against an OpenID provider is in
test_browser_login.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from workbench.cli import cli
from workbench.cli.review import streamlit_command
from workbench.errors import PermissionDenied
from workbench.login import check_address, is_loopback
from workbench.roles import Role
from workbench.store import Store
from workbench.textio import TextFile
from workbench.ui import render
from workbench.workflows import documents, glossary

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
LEAD, REVIEWER = "ana@newsroom.example", "bo@newsroom.example"
ROLES = f"""
[lead]
emails = ["{LEAD}"]
groups = ["desk-leads"]

[reviewer]
emails = ["{REVIEWER}"]
"""
SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "a-long-random-string-of-at-least-32-characters"
client_id = "workbench"
client_secret = "s3cret"
server_metadata_url = "http://127.0.0.1:9400/.well-known/openid-configuration"
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def roles_file(tmp_path: Path) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    return path


@pytest.fixture
def secrets_file(tmp_path: Path) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(SECRETS, encoding="utf-8")
    return path


# -- workbench app: refused before the server starts ---------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses_need_no_login(address: str) -> None:
    assert is_loopback(address)
    check_address(address, "none")


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "::", "review.newsroom.example"])
def test_an_open_address_without_login_is_refused(address: str, db_path: Path) -> None:
    code, out = _run("app", "--address", address, "--port", "1")
    assert code == 1
    assert out == (
        f"error: --address {address} would serve the app to other machines without login; anyone "
        "reaching it could change everything. Add --auth oidc (with --roles FILE), or serve on 127.0.0.1.\n"
    )


def test_login_without_a_secrets_file_is_one_line(tmp_path: Path, roles_file: Path, db_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    code, out = _run("app", "--auth", "oidc", "--secrets", str(missing), "--roles", str(roles_file))
    assert code == 1 and out.count("\n") == 1
    assert out.startswith(f"error: --auth oidc needs the login settings, but {missing} does not exist;")
    assert "or give --secrets FILE." in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[server]\nx = 1\n", "has no [auth] section; --auth oidc needs [auth] with redirect_uri"),
        (
            SECRETS.replace('client_secret = "s3cret"\n', "").replace('cookie_secret = "', 'x = "'),
            "[auth] lacks cookie_secret, client_secret; --auth oidc needs",
        ),
        (SECRETS.replace("/oauth2callback", "/callback"), "must end with /oauth2callback"),
        ("[auth\n", "is not valid TOML"),
    ],
)
def test_incomplete_login_settings_are_one_line(
    tmp_path: Path, roles_file: Path, db_path: Path, text: str, message: str
) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(text, encoding="utf-8")
    code, out = _run("app", "--auth", "oidc", "--secrets", str(secrets), "--roles", str(roles_file))
    assert code == 1 and out.count("\n") == 1 and "Traceback" not in out
    assert message in out and str(secrets) in out


def test_login_needs_a_roles_file(secrets_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_ROLES", raising=False)
    code, out = _run("app", "--auth", "oidc", "--secrets", str(secrets_file), "--address", "0.0.0.0")
    assert code == 1
    assert out == (
        "error: --auth oidc needs a roles file saying who is a lead and who a reviewer: give --roles FILE "
        "or set WORKBENCH_ROLES (see README, Login and roles).\n"
    )


def test_a_bad_roles_file_is_one_line(tmp_path: Path, secrets_file: Path, db_path: Path) -> None:
    bad = tmp_path / "roles.toml"
    bad.write_text('[leads]\nemails = ["a@x.org"]\n', encoding="utf-8")
    code, out = _run("app", "--auth", "oidc", "--secrets", str(secrets_file), "--roles", str(bad))
    assert code == 1 and out.count("\n") == 1
    assert out.startswith(f"error: {bad}: unknown key(s) leads; a roles file has default, groups_claim,")


def test_the_server_reads_the_login_settings_given(tmp_path: Path, secrets_file: Path) -> None:
    (tmp_path / "streamlit_app.py").write_text("", encoding="utf-8")
    command = streamlit_command(tmp_path, 8123, "0.0.0.0", secrets=secrets_file)
    assert command[command.index("--secrets.files") + 1] == str(secrets_file)
    assert "--secrets.files" not in streamlit_command(tmp_path, 8123, "127.0.0.1")
    assert command[0] == sys.executable


# -- the app under login (AppTest, st.user seeded) -------------------------------------------------

GERMAN = "Kanzler Olaf Scholz sprach.\nDie Lage ist ernst.\n"
MT = "Chancellor Olaf Scholes spoke.\nThe situation is serious.\n"


@pytest.fixture
def login_app(db_path: Path, roles_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """A database with one document (imported MT) and the app's environment under --auth oidc."""
    monkeypatch.setenv("WORKBENCH_AUTH", "oidc")
    monkeypatch.setenv("WORKBENCH_ROLES", str(roles_file))
    monkeypatch.setenv("WORKBENCH_MODEL", str(tmp_path / "no-model"))
    with Store.open(db_path) as db:
        return documents.import_aligned(
            db, TextFile("a.de.txt", GERMAN, "utf-8"), mt=TextFile("a.en.txt", MT, "utf-8"), title="Scholz"
        ).document_id


def _app(user: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.user = user
    return at


def _page_text(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.title, *at.caption, *at.info, *at.error, *at.text)]
    parts += [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


def test_not_logged_in_only_the_login_page_renders(login_app: int) -> None:
    at = _app({"is_logged_in": False}).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    shown = _page_text(at)
    assert "Scholes" not in shown and "Scholz" not in shown and "Lage" not in shown
    assert not at.sidebar.text_input  # no reviewer box to type another name into
    assert not at.data_editor and not at.dataframe


def test_logged_in_without_a_role_is_told_whom_to_ask(login_app: int) -> None:
    at = _app({"is_logged_in": True, "email": "eve@elsewhere.example"}).run()
    assert [b.label for b in at.button] == ["Log out"]
    assert "You are logged in as eve@elsewhere.example, but the roles file gives you no role here" in (
        at.error[0].value
    )
    assert "Scholes" not in _page_text(at)


def test_a_reviewer_sees_the_glossary_read_only(login_app: int, db_path: Path) -> None:
    with Store.open(db_path) as db:
        glossary.add_to_glossary(db, "Scholes", "Scholz", added_by=LEAD)
    at = _app({"is_logged_in": True, "email": REVIEWER}).run()
    assert not at.exception
    assert [m.value for m in at.sidebar.markdown] == [f"Logged in as **{render.md(REVIEWER)}** (reviewer)"]
    assert not at.sidebar.text_input
    at.switch_page("workbench/ui/glossary.py").run()
    assert not at.exception
    assert not at.data_editor and not at.text_input and not at.file_uploader
    assert list(at.dataframe[0].value["wrong"]) == ["Scholes"]
    assert "Only leads change the glossary" in at.info[0].value
    at.switch_page("workbench/ui/documents.py").run()
    assert "docs_delete" not in {b.key for b in at.button}
    assert "paste_go" not in {b.key for b in at.button}


def test_a_lead_edits_the_glossary_and_is_recorded_by_e_mail(login_app: int, db_path: Path) -> None:
    at = _app({"is_logged_in": True, "email": "cy@newsroom.example", "groups": ["desk-leads"]}).run()
    at.switch_page("workbench/ui/glossary.py").run()
    assert at.data_editor
    at.text_input(key="glossary_add_wrong").set_value("Scholes")
    at.text_input(key="glossary_add_right").set_value("Scholz")
    at.button(key="glossary_add_go").click().run()
    assert not at.exception
    with Store.open(db_path) as db:
        assert [(e.wrong, e.added_by) for e in db.glossary_entries()] == [("Scholes", "cy@newsroom.example")]
        assert db.history(limit=1)[0].actor == "cy@newsroom.example"


def test_a_reviewers_approval_is_recorded_by_e_mail(login_app: int, db_path: Path) -> None:
    at = _app({"is_logged_in": True, "email": REVIEWER}).run()
    assert not at.exception
    at.button(key="approve").click().run()
    assert not at.exception
    with Store.open(db_path) as db:
        entry = db.history(limit=1)[0]
        assert (entry.action, entry.actor) == ("approve", REVIEWER)
        with pytest.raises(PermissionDenied):
            glossary.add_to_glossary(db, "Scholes", "Scholz", added_by=REVIEWER, role=Role.REVIEWER)


def test_a_lead_undoes_a_reviewers_action_from_the_history_a_reviewer_only_their_own(
    login_app: int, db_path: Path
) -> None:
    from workbench.workflows import review

    with Store.open(db_path) as db:
        first, second = db.segments(login_app)
        review.save_post_edit(db, first.id, "Theirs.", reviewer=REVIEWER, expected_version=None)
        review.save_post_edit(db, second.id, "Mine.", reviewer="cy@newsroom.example", expected_version=None)
        theirs, mine = (e.id for e in reversed(db.history(limit=2)))
    at = _app({"is_logged_in": True, "email": "cy@newsroom.example", "groups": ["desk-leads"]}).run()
    at.switch_page("workbench/ui/review.py").run()
    keys = {b.key for b in at.button}
    assert {f"undo_entry_{theirs}", f"undo_entry_{mine}"} <= keys
    at.button(key=f"undo_entry_{theirs}").click().run()
    assert not at.exception and not at.error
    with Store.open(db_path) as db:
        assert db.reference(first.id) is None
        assert db.history(limit=1)[0].actor == "cy@newsroom.example"
    reviewer = _app({"is_logged_in": True, "email": REVIEWER}).run()
    reviewer.switch_page("workbench/ui/review.py").run()
    assert not any(b.key.startswith("undo_entry_") for b in reviewer.button)  # theirs undone, mine not theirs
