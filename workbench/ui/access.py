"""Who is using the app and what they may do.

Under `workbench app --auth oidc` a person logs in with Streamlit's ``st.login`` (OpenID
Connect); their e-mail address is the name recorded with every change, and the roles file gives
their role. Until they log in only the login page is drawn. Without login (`--auth none`, the
default, on 127.0.0.1 only) the person at this machine types a name in the sidebar and acts as
a lead, as on the command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import streamlit as st

from workbench import config
from workbench.errors import InputError
from workbench.roles import Role, RoleMap, load_roles
from workbench.ui import render

REVIEWER_KEY = "wb_reviewer"


@dataclass(frozen=True)
class Person:
    name: str  # recorded with every change: the e-mail address under login
    role: Role


def login_required() -> bool:
    return config.auth() == "oidc"


@lru_cache(maxsize=4)
def _roles(path: str, _mtime_ns: int) -> RoleMap:
    return load_roles(path)


def roles() -> RoleMap:
    """The roles file, read again when it changes (a lead added while the server runs)."""
    path = config.roles_file()
    if not path:
        raise InputError(
            "the app runs with login but without a roles file: start it with "
            "`workbench app --auth oidc --roles FILE`."
        )
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = 0  # load_roles says what is wrong with it
    return _roles(path, mtime)


def _logged_in() -> Person | None:
    """The logged-in person with their role; None when nobody is logged in or the roles file
    gives them none (the caller tells which)."""
    if not st.user.is_logged_in:
        return None
    claims = st.user.to_dict()
    email = str(claims.get("email") or "").strip()
    mapping = roles()
    role = mapping.role_for(email, mapping.groups_of(claims)) if email else None
    return Person(email, role) if role is not None else None


def typed_name() -> str:
    name = str(st.session_state.get(REVIEWER_KEY, "")).strip()
    return name or config.reviewer()


def person() -> Person:
    """Who is acting now. Under login only ever called once gate() let the run through."""
    if not login_required():
        return Person(typed_name(), Role.LEAD)
    found = _logged_in()
    if found is None:  # gate() stops such runs before any page: never act as someone else
        raise InputError("you are not logged in: reload the page and log in.")
    return found


def _login_page() -> None:
    st.title("MT review workbench")
    st.write("Log in with your newsroom account to review translations.")
    st.button("Log in", type="primary", key="login", icon=":material/login:", on_click=st.login)


def _no_role_page() -> None:
    claims = st.user.to_dict()
    email = str(claims.get("email") or "").strip()
    st.title("MT review workbench")
    if not email:
        st.error(
            "Your login did not give an e-mail address, which the workbench records with every change. "
            "Ask whoever runs the identity provider to release the email claim to this app."
        )
    else:
        st.error(
            f"You are logged in as {email}, but the roles file gives you no role here. "
            "Ask a lead to list you (or one of your groups) under [lead] or [reviewer]."
        )
    st.button("Log out", key="logout", icon=":material/logout:", on_click=st.logout)


def gate() -> Person | None:
    """Under login: draw the login page (or the page saying a role is missing) as the only page
    of the app and return None; otherwise the person who may go on."""
    if not login_required():
        return person()
    if st.user.is_logged_in:
        found = _logged_in()
        if found is not None:
            return found
        page = st.Page(_no_role_page, title="No access", url_path="no-access", default=True)
    else:
        page = st.Page(_login_page, title="Log in", url_path="login", default=True)
    st.navigation([page], position="hidden").run()
    return None


def sidebar(who: Person) -> None:
    """Under login: who is logged in, as what, and the logout button; without login the name box."""
    if login_required():
        st.sidebar.markdown(f"Logged in as **{render.md(who.name)}** ({who.role})")
        st.sidebar.button("Log out", key="logout", icon=":material/logout:", on_click=st.logout)
        return
    if not st.session_state.get(REVIEWER_KEY):
        st.session_state[REVIEWER_KEY] = config.reviewer()
    st.sidebar.text_input(
        "Reviewer",
        key=REVIEWER_KEY,
        persist_state="session",
        help="Recorded with every flag, post-edit and approval.",
    )
