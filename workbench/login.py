"""What `workbench app` checks before it serves anyone: the login settings (the ``[auth]``
section of a Streamlit secrets file, read by ``st.login``), the roles file, and that an app
without login listens on this machine only.

Streamlit reports a missing setting only when someone presses "Log in"; checking here turns it
into one line at start-up, before the server listens.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path

from workbench.errors import InputError
from workbench.roles import RoleMap, load_roles

AUTH_MODES = ("none", "oidc")
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
"""The [auth] keys st.login needs for its one (default) provider."""


def is_loopback(address: str) -> bool:
    """Whether ``address`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip()).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def check_address(address: str, auth: str) -> None:
    """An app without login serves only this machine: anyone who reached it could act as a lead."""
    if auth == "none" and not is_loopback(address):
        raise InputError(
            f"--address {address} would serve the app to other machines without login; "
            "anyone reaching it could change everything. Add --auth oidc (with --roles FILE), "
            "or serve on 127.0.0.1."
        )


def check_secrets(path: str | os.PathLike[str]) -> None:
    """The secrets file has the [auth] section st.login needs; InputError naming what is missing."""
    name = os.fspath(path)
    example = (
        "[auth] with redirect_uri (http://HOST:PORT/oauth2callback), cookie_secret, client_id, "
        "client_secret and server_metadata_url (see README, Login and roles)"
    )
    try:
        data = tomllib.loads(Path(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"--auth oidc needs the login settings, but {name} does not exist; write it with {example}, "
            "or give --secrets FILE."
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"the secrets file {name} cannot be read ({err}); check its permissions.") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"the secrets file {name} is not valid TOML: {err}.") from None
    section = data.get("auth")
    if not isinstance(section, dict):
        raise InputError(f"{name} has no [auth] section; --auth oidc needs {example}.")
    missing = [key for key in AUTH_KEYS if not str(section.get(key, "")).strip()]
    if missing:
        raise InputError(f"{name}: [auth] lacks {', '.join(missing)}; --auth oidc needs {example}.")
    if not str(section["redirect_uri"]).endswith("/oauth2callback"):
        raise InputError(
            f"{name}: [auth] redirect_uri = {section['redirect_uri']!r} must end with /oauth2callback "
            "(Streamlit's login callback), e.g. http://127.0.0.1:8501/oauth2callback."
        )


def check_roles(path: str | os.PathLike[str] | None) -> RoleMap:
    """The roles file --auth oidc needs: who is a lead, who a reviewer."""
    if not path:
        raise InputError(
            "--auth oidc needs a roles file saying who is a lead and who a reviewer: give --roles FILE "
            "or set WORKBENCH_ROLES (see README, Login and roles)."
        )
    return load_roles(path)
