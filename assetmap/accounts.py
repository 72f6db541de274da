"""Login accounts: generated passwords, argon2 hashes, the demo's users."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from assetmap import clock
from assetmap.config import PasswordHashing
from assetmap.graph import users
from assetmap.graph.nodes import NodeRepository, NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import STAFF_ROLES, ApiToken, InvalidRecord, now_iso

tokens = NodeRepository(ApiToken)
TOKEN_PREFIX = "am_"  # noqa: S105 - a marker, not a secret

_hasher = PasswordHasher()  # replaced by use_password_hashing() when the app or CLI starts
#: the demo's logins: (name, role, organisation) - a carers' organisation is a connector too
DEMO_LOGINS = (
    ("admin", "admin", "org-council"),
    ("coordinator", "coordinator", "org-council"),
    ("connector", "connector", "org-cvc"),
    ("carers", "connector", "org-carers"),
)


def user(store: GraphStore, user_id: str) -> dict | None:
    """The account, or None when there is no such user."""
    return users.by_id(store, user_id)


def everyone(store: GraphStore) -> list[dict]:
    """Every account, for the admin's list."""
    return users.everyone(store)


def update_user(store: GraphStore, user_id: str, changes: dict) -> dict:
    """Change an account's fields (role, organisation, active, language...). A staff
    member's role stays a staff role, and a provider's stays provider."""
    if "role" in changes:
        current = users.by_id(store, user_id)
        if current is None:
            raise NotFound("User", user_id)
        if (changes["role"] == "provider") != (current["role"] == "provider"):
            raise InvalidRecord([("role", NOT_A_STAFF_ROLE)])
    return users.repo.update(store, user_id, changes)


#: a provider is no one's staff: they come in by claiming a listing (services.providers)
NOT_A_STAFF_ROLE = Problem(N_("must be admin, coordinator or connector: someone who runs a "
                              "group or looks after a place claims its listing instead"))


def add_session(store: GraphStore, user_id: str, session_id: str) -> None:
    """A session begun: only its hash is kept (:func:`token_hash`)."""
    users.add_session(store, user_id, token_hash(session_id))


def end_session(store: GraphStore, user_id: str, session_id: str) -> None:
    users.end_session(store, user_id, token_hash(session_id))


def end_sessions(store: GraphStore, user_id: str) -> None:
    """Sign the user out everywhere."""
    users.end_sessions(store, user_id)


def generate_password() -> str:
    """A random password of 16 URL-safe characters (about 96 bits)."""
    return secrets.token_urlsafe(12)


#: the shortest password a person may choose (generated ones are 16 characters)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200


#: zxcvbn's warnings (English only) in our catalogue's words, so they can be said in Welsh
PASSWORD_WARNINGS = {
    "Straight rows of keys are easy to guess.": N_("straight rows of keys are easy to guess"),
    "Short keyboard patterns are easy to guess.": N_("short keyboard patterns are easy to "
                                                     "guess"),
    'Repeats like "aaa" are easy to guess.': N_("repeats like “aaa” are easy to guess"),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': N_(
        "repeats like “abcabcabc” are only slightly harder to guess than “abc”"),
    'Sequences like "abc" or "6543" are easy to guess.': N_(
        "sequences like “abc” or “6543” are easy to guess"),
    "Recent years are easy to guess.": N_("recent years are easy to guess"),
    "Dates are often easy to guess.": N_("dates are often easy to guess"),
    "This is a top-10 common password.": N_("this is one of the 10 most common passwords"),
    "This is a top-100 common password.": N_("this is one of the 100 most common passwords"),
    "This is a very common password.": N_("this is a very common password"),
    "This is similar to a commonly used password.": N_("this is like a commonly used "
                                                       "password"),
    "A word by itself is easy to guess.": N_("a word by itself is easy to guess"),
    "Names and surnames by themselves are easy to guess.": N_(
        "names and surnames by themselves are easy to guess"),
    "Common names and surnames are easy to guess.": N_("common names and surnames are easy "
                                                       "to guess"),
}


def check_new_password(password: str, email: str = "", name: str = "") -> None:
    """Refuse a password that is short or easy to guess: zxcvbn checks it against its
    shipped lists of common passwords, names and words, and against the user's e-mail and
    name. Raises :class:`InvalidRecord` naming ``password``."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidRecord([("password", Problem(N_("must be %(least)s to %(most)s characters"),
                                                  least=MIN_PASSWORD_LENGTH,
                                                  most=MAX_PASSWORD_LENGTH))])
    verdict = zxcvbn(password, user_inputs=[part for part in (email, name, "assetmap") if part])
    if verdict["score"] < 3:
        warning = verdict["feedback"]["warning"]
        raise InvalidRecord([("password", Problem(
            N_("is too easy to guess: %(why)s; a few uncommon words together work well"),
            why=Problem(PASSWORD_WARNINGS.get(warning, N_("it is too easy to guess")))))])


def change_password(store: GraphStore, user_id: str, current: str, new: str) -> dict:
    """Change a user's own password; every session of theirs ends (the caller starts a
    new one for the device the change was made on)."""
    user = check_own_password(store, user_id, current, field="current_password")
    check_new_password(new, user["email"], user.get("name") or "")
    return users.repo.update(store, user_id, {"password_hash": hash_password(new),
                                              "live_sessions": []})


def use_password_hashing(cost: PasswordHashing) -> None:
    """Hash new passwords at ``cost`` (argon2id) from now on, in this process; a hash made
    at another cost still verifies, and is made again at this one at the next sign-in."""
    global _hasher
    _hasher = PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_kib,
                             parallelism=cost.parallelism, type=Type.ID)


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
    password = generate_password()
    return _new_account(store, email, role, organisation_id, name,
                        password_hash=hash_password(password)), password


def _new_account(store: GraphStore, email: str, role: str, organisation_id: str,
                 name: str | None, **fields: object) -> dict:
    """A new user (one e-mail, one account) with ``fields`` (how they will sign in)."""
    if role not in STAFF_ROLES:
        raise InvalidRecord([("role", NOT_A_STAFF_ROLE)])
    if not organisation_id:
        raise InvalidRecord([("organisation_id", Problem(N_("is required")))])
    if users.by_email(store, email) is not None:
        raise InvalidRecord([("email", Problem(N_("a user with e-mail %(email)s exists"),
                                              email=repr(email.strip().lower())))])
    return users.repo.create(store, {"email": email, "role": role, "name": name, **fields},
                             organisation_id=organisation_id)


def new_provider(store: GraphStore, email: str, name: str | None, password: str,
                 language: str | None) -> dict:
    """An account for someone who runs a group or looks after a place, made when they
    take up a claim (:mod:`assetmap.services.providers`): no organisation, no staff role."""
    check_new_password(password, email, name or "")
    if users.by_email(store, email) is not None:
        raise InvalidRecord([("email", Problem(N_("a user with e-mail %(email)s exists"),
                                              email=repr(email.strip().lower())))])
    return users.repo.create(store, {"email": email, "role": "provider", "name": name,
                                     "language": language,
                                     "password_hash": hash_password(password)})


#: how long an invitation's link works
INVITATION_DAYS = 7


def invite_user(store: GraphStore, email: str, role: str, organisation_id: str,
                name: str | None = None) -> tuple[dict, str]:
    """Create a user who sets their own password through a one-time link (an admin's way
    in: the admin never knows the password). Returns the user and the link's token (shown
    once; only its hash is kept). Until the link is used nobody can sign in as them."""
    token = secrets.token_urlsafe(32)
    user = _new_account(
        store, email, role, organisation_id, name,
        password_hash=hash_password(secrets.token_urlsafe(32)),  # known to nobody
        invitation_hash=token_hash(token), invitation_expires=_days_on(INVITATION_DAYS))
    return user, token


def renew_invitation(store: GraphStore, user_id: str) -> str:
    """A new link for an invitation not taken up (the old link stops working)."""
    user = users.by_id(store, user_id)
    if user is None:
        raise NotFound("User", user_id)
    if not user.get("invitation_hash"):
        raise InvalidRecord([("user_id", Problem(N_("has already set their password")))])
    token = secrets.token_urlsafe(32)
    users.repo.update(store, user_id, {"invitation_hash": token_hash(token),
                                       "invitation_expires": _days_on(INVITATION_DAYS)})
    return token


def invitation(store: GraphStore, token: str) -> dict | None:
    """The user a live invitation link is for, or None (unknown, used or expired)."""
    if len(token) > 100:
        return None
    user = users.by_invitation(store, token_hash(token))
    if user is None or (user.get("invitation_expires") or "") < now_iso():
        return None
    return user if user.get("active", True) else None


def accept_invitation(store: GraphStore, token: str, password: str) -> dict:
    """The invited user sets their own password; the link is spent."""
    user = invitation(store, token)
    if user is None:
        raise NotFound("Invitation", "this link")
    check_new_password(password, user["email"], user.get("name") or "")
    return users.repo.update(store, user["id"], {
        "password_hash": hash_password(password), "invitation_hash": None,
        "invitation_expires": None, "live_sessions": []})


def _days_on(days: int) -> str:
    return (clock.now() + timedelta(days=days)).isoformat()


def authenticate(store: GraphStore, email: str, password: str) -> dict | None:
    """The active user with this e-mail and password, or None."""
    user = users.by_email(store, email)
    if user is None or not user.get("active", True):
        _hasher.hash(password)  # same work either way: no timing hint that the e-mail exists
        return None
    if not check_password(user["password_hash"], password):
        return None
    if _hasher.check_needs_rehash(user["password_hash"]):  # the cost setting has changed
        users.repo.update(store, user["id"], {"password_hash": hash_password(password)})
    return user


def demo_users(store: GraphStore) -> list[tuple[str, str, str, str]]:
    """One login for each kind of user of the seeded community, each with a new password.

    Returns ``(email, role, organisation id, password)`` rows. Existing demo users get a
    new password, so no password outlives the demo run that printed it.
    """
    logins = []
    for name, role, organisation_id in DEMO_LOGINS:
        email = f"{name}@demo.assetmap.invalid"
        existing = users.by_email(store, email)
        if existing is None:
            _, password = create_user(store, email, role, organisation_id, f"Demo {name}")
        else:
            password = generate_password()
            users.repo.update(store, existing["id"], {"password_hash": hash_password(password)})
        logins.append((email, role, organisation_id, password))
    return logins


# ---------------------------------------------------------------------------
# API tokens


def token_hash(token: str) -> str:
    """What is stored of a random secret (an API token, a session id, a link): a token
    carries enough random bits that a fast hash makes a stolen table useless."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store: GraphStore, email: str, name: str | None = None) -> tuple[dict, str]:
    """A new bearer token for the active user with ``email``: the record and the token
    (shown once; only its hash is stored)."""
    user = users.by_email(store, email)
    if user is None or not user.get("active", True):
        raise InvalidRecord([("email", Problem(N_("no active user with e-mail %(email)s"),
                                               email=repr(email.strip().lower())))])
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = tokens.create(store, {"user_id": user["id"], "name": name or "API token",
                                   "token_hash": token_hash(token)})
    return record, token


def user_for_token(store: GraphStore, token: str) -> dict | None:
    """The active user a live token belongs to, or None (unknown, revoked or deactivated)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    rows = store.run_read(
        "MATCH (t:ApiToken {token_hash: $hash}) WHERE t.revoked_at IS NULL "
        "RETURN t.id AS id, t.user_id AS user_id", hash=token_hash(token))
    if not rows:
        return None
    user = users.by_id(store, rows[0]["user_id"])
    return user if user and user.get("active", True) else None


def revoke_token(store: GraphStore, token_id: str) -> dict:
    """Revoke a token by its id; it stops working at once."""
    if tokens.get(store, token_id).get("revoked_at"):
        raise InvalidRecord([("token_id", Problem(N_("is already revoked")))])
    return tokens.update(store, token_id, {"revoked_at": now_iso()})


def tokens_of(store: GraphStore, email: str) -> list[dict]:
    user = users.by_email(store, email)
    if user is None:
        raise NotFound("User", email)
    rows = store.run_read(
        "MATCH (t:ApiToken {user_id: $id}) RETURN t {.id, .name, .created_at, .revoked_at} "
        "AS t ORDER BY t.created_at", id=user["id"])
    return [row["t"] for row in rows]


# ---------------------------------------------------------------------------
# two-step sign-in (TOTP) and recovery codes

RECOVERY_CODES = 10
ISSUER = "assetmap"


def new_totp_secret() -> str:
    return pyotp.random_base32(32)


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _code_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step ``code`` is valid for (this one or its neighbours, for clock drift),
    if later than ``after``; else None."""
    totp, code = pyotp.TOTP(secret), "".join(code.split())
    # the phone app counts real time: a code is checked against it, never a set clock
    now = totp.timecode(datetime.now(UTC))
    for step in (now, now - 1, now + 1):
        if (after is None or step > after) and secrets.compare_digest(
                totp.generate_otp(step), code):
            return step
    return None


def check_own_password(store: GraphStore, user_id: str, password: str,
                       field: str = "password") -> dict:
    """The signed-in user typed their own password again (before a change to how they
    sign in): the user, or :class:`InvalidRecord` naming ``field`` if not."""
    user = users.by_id(store, user_id)
    if user is None:
        raise NotFound("User", user_id)
    if not check_password(user["password_hash"], password):
        raise InvalidRecord([(field, Problem(N_("is not right")))])
    return user


def enable_totp(store: GraphStore, user_id: str, secret: str, code: str,
                password: str) -> list[str]:
    """Turn on two-step sign-in once the user types their password again and shows a code
    from their app; returns new recovery codes (shown once; only their hashes are kept)."""
    check_own_password(store, user_id, password)
    step = _code_step(secret, code, None)
    if step is None:
        raise InvalidRecord([("code", Problem(N_("is not the code your app shows now")))])
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    users.repo.update(store, user_id, {"totp_secret": secret, "totp_last_step": step,
                                       "recovery_codes": [token_hash(c) for c in codes]})
    return codes


def disable_totp(store: GraphStore, user_id: str, code: str, password: str) -> None:
    """Turn two-step sign-in off: the password again, and a current or recovery code."""
    check_own_password(store, user_id, password)
    if not verify_second_step(store, user_id, code):
        raise InvalidRecord([("code", Problem(N_(
            "is not a current code or an unused recovery code")))])
    users.repo.update(store, user_id, {"totp_secret": None, "totp_last_step": None,
                                       "recovery_codes": []})


def verify_second_step(store: GraphStore, user_id: str, code: str) -> bool:
    """A current code from the user's app (each usable once), or one of their unused
    recovery codes (then spent)."""
    user = users.by_id(store, user_id)
    if user is None or not user.get("totp_secret"):
        return False
    step = _code_step(user["totp_secret"], code, user.get("totp_last_step"))
    if step is not None:
        users.repo.update(store, user_id, {"totp_last_step": step})
        return True
    spent = token_hash("".join(code.split()).lower())
    if spent in (user.get("recovery_codes") or []):
        users.repo.update(store, user_id, {"recovery_codes": [
            c for c in user["recovery_codes"] if c != spent]})
        return True
    return False
