"""Roles below the UI: what the workflows let a reviewer and a lead do, on a real store, and the
roles file that maps logged-in people to roles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.errors import InputError, PermissionDenied
from workbench.glossary import GlossaryEntry
from workbench.roles import Role, load_roles
from workbench.store import Store
from workbench.textio import TextFile
from workbench.workflows import documents, glossary, review, scores

REVIEWER, LEAD = Role.REVIEWER, Role.LEAD
MQM_TSV = (
    "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\tcomment\n"
    "A\tnews1\t1\t11\tr1\tKanzler Scholz traf Milley.\tChancellor Scholz met <v>Millie</v>.\t"
    "Accuracy/Mistranslation\tMajor\t\n"
)


def _file(name: str, lines: list[str]) -> TextFile:
    return TextFile(name, "\n".join(lines) + "\n", "utf-8")


@pytest.fixture
def doc(store: Store) -> int:
    german = ["Olaf Scholz sprach.", "Scholz und Putin."]
    mts = ["Olaf Scholes spoke.", "Scholes and Putin."]
    return documents.import_aligned(
        store, _file("de.txt", german), mt=_file("mt.txt", mts), title="Scholz"
    ).document_id


# -- refused to a reviewer, allowed to a lead ------------------------------------------------------
# Each entry prepares what the action needs (as a lead, or as anyone may) and returns the guarded
# call, which then runs once with a reviewer's role and once with a lead's.

Act = Callable[[Role], object]


def _remove_from_glossary(store: Store, doc: int, tmp_path: Path) -> Act:
    glossary.add_to_glossary(store, "Milli", "Milley", added_by="ana@x.org")
    return lambda role: glossary.remove_from_glossary(store, "Milli", actor="bo@x.org", role=role)


def _save_glossary_table(store: Store, doc: int, tmp_path: Path) -> Act:
    base = store.glossary_entries()
    wanted = [*base, GlossaryEntry("Schoiku", "Shoigu")]
    return lambda role: glossary.save_glossary_table(store, base, wanted, reviewer="bo@x.org", role=role)


def _import_file(store: Store, doc: int, tmp_path: Path) -> Act:
    path = tmp_path / "article.txt"
    path.write_text("Der Krieg dauert an.\n", encoding="utf-8")
    return lambda role: documents.import_files(store, path, created_by="bo@x.org", role=role)


def _open_seed(store: Store, doc: int, tmp_path: Path) -> Act:
    (tmp_path / "seed.txt").write_text("Der Krieg dauert an.\n", encoding="utf-8")
    return lambda role: documents.import_seed(store, tmp_path, created_by="bo@x.org", role=role)


def _import_mqm(store: Store, doc: int, tmp_path: Path) -> Act:
    path = tmp_path / "mqm.tsv"
    path.write_text(MQM_TSV, encoding="utf-8")
    return lambda role: scores.import_mqm(store, path, created_by="bo@x.org", role=role)


def _accept_into_glossary(store: Store, doc: int, tmp_path: Path) -> Act:
    note = review.flag_text(
        store,
        store.segments(doc)[0].id,
        "Scholes",
        side="mt",
        system_id=store.system("imported").id,
        reviewer="bo@x.org",
        correction="Scholz",
    )
    return lambda role: review.accept(
        store, note.id, note.version, reviewer="bo@x.org", everywhere=True, add_to_glossary=True, role=role
    )


LEAD_ONLY: dict[str, Callable[[Store, int, Path], Act]] = {
    "add to the glossary": lambda store, doc, tmp_path: (
        lambda role: glossary.add_to_glossary(store, "Scholes", "Scholz", added_by="bo@x.org", role=role)
    ),
    "remove from the glossary": _remove_from_glossary,
    "save the glossary table": _save_glossary_table,
    "import a glossary": lambda store, doc, tmp_path: (
        lambda role: glossary.import_glossary(
            store, [GlossaryEntry("Gerasimo", "Gerasimov")], added_by="bo@x.org", role=role
        )
    ),
    "add a known name": lambda store, doc, tmp_path: (
        lambda role: glossary.accept_name(
            store, "Olaf Scholz", variants=["Scholes"], added_by="bo@x.org", role=role
        )
    ),
    "import an article": lambda store, doc, tmp_path: (
        lambda role: documents.import_article(store, "Der Krieg dauert an.", created_by="bo@x.org", role=role)
    ),
    "import aligned files": lambda store, doc, tmp_path: (
        lambda role: documents.import_aligned(
            store,
            _file("a.de.txt", ["Ja."]),
            mt=_file("a.en.txt", ["Yes."]),
            created_by="bo@x.org",
            role=role,
        )
    ),
    "import a file": _import_file,
    "open the seed again": _open_seed,
    "import an MQM file": _import_mqm,
    "delete a document": lambda store, doc, tmp_path: (
        lambda role: documents.delete_document(store, doc, actor="bo@x.org", role=role)
    ),
    "accept into the glossary": _accept_into_glossary,
}


def _state(store: Store, doc: int) -> tuple:
    """Everything a refused action must leave as it was."""
    return (
        [(e.wrong, e.right, e.added_by) for e in store.glossary_entries()],
        [k.canonical for k in store.known_names()],
        [d.title for d in store.documents()],
        [e.id for e in store.history(limit=1000)],
        [
            (s["post_edit"], [a["status"] for a in s["annotations"]])
            for s in documents.show(store, doc)["sentences"]
        ]
        if doc in [d.id for d in store.documents()]
        else None,
    )


@pytest.mark.parametrize("action", LEAD_ONLY)
def test_a_reviewer_is_refused_and_nothing_changes(
    store: Store, doc: int, tmp_path: Path, action: str
) -> None:
    act = LEAD_ONLY[action](store, doc, tmp_path)
    before = _state(store, doc)
    with pytest.raises(
        PermissionDenied, match=r"^bo@x\.org is a reviewer and may not .+: that is for leads\."
    ):
        act(REVIEWER)
    assert _state(store, doc) == before


@pytest.mark.parametrize("action", LEAD_ONLY)
def test_a_lead_may(store: Store, doc: int, tmp_path: Path, action: str) -> None:
    act = LEAD_ONLY[action](store, doc, tmp_path)
    before = _state(store, doc)
    act(LEAD)
    assert _state(store, doc) != before


def test_the_refusal_says_what_and_what_to_do(store: Store) -> None:
    with pytest.raises(PermissionDenied) as refused:
        glossary.add_to_glossary(store, "Scholes", "Scholz", added_by="bo@x.org", role=REVIEWER)
    assert str(refused.value) == (
        "bo@x.org is a reviewer and may not add “Scholes” → “Scholz” to the glossary: that is for leads. "
        "Ask a lead to do it, or to list you under [lead] in the roles file."
    )


# -- what a reviewer may do ------------------------------------------------------------------------


def test_a_reviewer_annotates_accepts_post_edits_approves_and_undoes_own(store: Store, doc: int) -> None:
    mt = store.system("imported").id
    first, second = store.segments(doc)
    note = review.flag_text(
        store, first.id, "Scholes", side="mt", system_id=mt, reviewer="bo@x.org", correction="Scholz"
    )
    accepted = review.accept(
        store,
        note.id,
        note.version,
        reviewer="bo@x.org",
        everywhere=True,
        add_to_glossary=False,
        role=REVIEWER,
    )
    assert accepted.segment_ids == (first.id, second.id)
    draft = review.save_post_edit(
        store, second.id, "Scholz and Putin!", reviewer="bo@x.org", expected_version=1
    )
    review.approve(store, second.id, reviewer="bo@x.org", expected_version=draft.version)
    undone = review.undo(store, store.history(limit=1)[0].id, actor="bo@x.org", role=REVIEWER)
    assert undone.actor == "bo@x.org"
    assert store.reference(second.id).status == "draft"
    assert store.glossary_entries() == []
    assert {e.actor for e in store.history(limit=100) if e.document_id == doc} >= {"bo@x.org"}


def test_undo_of_another_persons_action_is_for_leads(store: Store, doc: int) -> None:
    first = store.segments(doc)[0]
    review.save_post_edit(store, first.id, "Olaf Scholz spoke.", reviewer="ana@x.org", expected_version=None)
    entry = store.history(limit=1)[0]
    with pytest.raises(PermissionDenied, match=r"bo@x\.org is a reviewer and may not undo “Saved a draft"):
        review.undo(store, entry.id, actor="bo@x.org", role=REVIEWER)
    assert store.reference(first.id).text == "Olaf Scholz spoke."
    review.undo(store, entry.id, actor="cy@x.org", role=LEAD)
    assert store.reference(first.id) is None
    assert store.history(limit=1)[0].actor == "cy@x.org"


# -- the roles file --------------------------------------------------------------------------------

GOOD = """
default = "reviewer"
groups_claim = "roles"

[lead]
emails = ["Ana@X.org"]
groups = ["desk-leads"]

[reviewer]
emails = ["bo@x.org"]
"""


def _roles(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_roles_from_emails_groups_and_default(tmp_path: Path) -> None:
    roles = load_roles(_roles(tmp_path, GOOD))
    assert roles.role_for("ana@x.org") is LEAD
    assert roles.role_for("bo@x.org") is REVIEWER
    assert roles.role_for("bo@x.org", roles.groups_of({"roles": ["desk-leads"]})) is LEAD
    assert roles.role_for("bo@x.org", roles.groups_of({"roles": "desk-leads"})) is LEAD
    assert roles.role_for("dan@x.org", roles.groups_of({"groups": ["desk-leads"]})) is REVIEWER
    strict = load_roles(_roles(tmp_path, '[lead]\nemails = ["ana@x.org"]\n'))
    assert strict.role_for("dan@x.org") is None
    assert strict.groups_claim == "groups"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[lead\n", r"roles\.toml is not valid TOML"),
        ('[leads]\nemails = ["a@x.org"]\n', r"unknown key\(s\) leads; a roles file has default"),
        ('default = "lead"\n[lead]\nemails = ["a@x.org"]\n', r"default = 'lead': use \"reviewer\" or"),
        ('[lead]\nemail = ["a@x.org"]\n', r"\[lead\] has unknown key\(s\) email; use emails"),
        ('[lead]\nemails = "a@x.org"\n', r"lead\.emails must be a list of non-empty strings"),
        ('[reviewer]\nemails = ["a@x.org"]\n', r"no leads: list at least one under \[lead\]"),
    ],
)
def test_a_bad_roles_file_is_one_clear_message(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_roles(_roles(tmp_path, text))


def test_a_missing_roles_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"the roles file .*nope\.toml does not exist"):
        load_roles(tmp_path / "nope.toml")


def test_undoing_a_glossary_change_is_for_leads_even_ones_own(store: Store) -> None:
    # e.g. an entry made from the command line under the same name before the team server
    glossary.add_to_glossary(store, "Scholes", "Scholz", added_by="bo@x.org")
    entry = store.history(limit=1)[0]
    with pytest.raises(
        PermissionDenied, match=r"may not undo “Glossary: “Scholes” → “Scholz””, which changed"
    ):
        review.undo_last(store, "bo@x.org", role=REVIEWER)
    assert [e.wrong for e in store.glossary_entries()] == ["Scholes"]
    review.undo(store, entry.id, actor="ana@x.org", role=LEAD)
    assert store.glossary_entries() == []
