"""Password hashing (Argon2id) and the password rules, after NCSC guidance.

At least 12 characters, at most 128, no composition rules, and none of the passwords attackers try
first (our list below, plus anything built from the person's own name or email address).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Compared against a well-formed hash when the email is unknown, so timing doesn't reveal it.
DUMMY_HASH = hash_password("not-a-real-password-for-timing")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is refused, in GOV.UK style, or None when it is acceptable."""
    if not password:
        return "Enter a password"
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    squashed = "".join(lowered.split())
    if lowered in common_passwords() or squashed in common_passwords():
        return "Password is too common. Choose a password that is harder to guess"
    if len(set(lowered)) <= 2:
        return "Password is too easy to guess. Choose a password that is harder to guess"
    personal = [email.lower(), email.lower().split("@")[0], "".join(name.lower().split())]
    if any(p and len(p) >= 4 and p in squashed for p in personal):
        return "Password must not contain your name or email address"
    return None
