"""Login accounts: generated passwords, argon2 hashes, the demo's users."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assetmap.graph import users
from assetmap.graph.store import GraphStore
from assetmap.model import InvalidRecord

_hasher = PasswordHasher()
DEMO_ROLES = ("admin", "coordinator", "connector")


def generate_password() -> str:
    """A random password of 16 URL-safe characters (about 96 bits)."""
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    store: GraphStore, email: str, role: str, organisation_id: str, name: str | None = None
) -> tuple[dict, str]:
    """Create a user with a generated password; return the user and the password (once)."""
    if users.by_email(store, email) is not None:
        raise InvalidRecord([("email", f"a user with e-mail {email.strip().lower()!r} exists")])
    password = generate_password()
    user = users.repo.create(
        store,
        {"email": email, "role": role, "name": name, "password_hash": hash_password(password)},
        organisation_id=organisation_id,
    )
    return user, password


def authenticate(store: GraphStore, email: str, password: str) -> dict | None:
    """The active user with this e-mail and password, or None."""
    user = users.by_email(store, email)
    if user is None or not user.get("active", True):
        _hasher.hash(password)  # same work either way: no timing hint that the e-mail exists
        return None
    return user if check_password(user["password_hash"], password) else None


def demo_users(store: GraphStore, organisation_id: str) -> list[tuple[str, str, str]]:
    """One user per role for the demo, each with a new generated password.

    Returns ``(email, role, password)`` rows. Existing demo users get a new password, so
    no password outlives the demo run that printed it.
    """
    logins = []
    for role in DEMO_ROLES:
        email = f"{role}@demo.assetmap.invalid"
        existing = users.by_email(store, email)
        if existing is None:
            _, password = create_user(store, email, role, organisation_id, f"Demo {role}")
        else:
            password = generate_password()
            users.repo.update(store, existing["id"], {"password_hash": hash_password(password)})
        logins.append((email, role, password))
    return logins
