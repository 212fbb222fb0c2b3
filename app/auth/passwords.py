"""The password rule (ASVS V2.1): length and a common-password list, no composition rules.

At least 12 characters; refused when the password, or what is left of it without the digits
and symbols around it (``Password2025!`` → ``password``), is in the shipped list of common
passwords; refused when it contains the username or the county's name.
"""

import re
from functools import cache
from pathlib import Path

from app.core.errors import InputError

MIN_LENGTH = 12
COUNTY_NAMES = ("泽州", "zezhou", "晋城", "jincheng")
_LIST = Path(__file__).with_name("data") / "common_passwords.txt"
RULE_TEXT = "至少12位；不能是常见密码，不能包含用户名或县名（泽州）。建议用几个词加数字或符号组成的短语"


@cache
def common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_password_rule(password: str, *, username: str | None = None) -> None:
    """Raise InputError (field ``password``) naming why ``password`` is refused."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise InputError(f"密码至少需要{MIN_LENGTH}位（现为{len(password)}位）", field="password")
    lower = password.lower()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lower)
    common = common_passwords()
    if lower in common or core in common or not core or len(set(lower)) < 5:
        raise InputError("密码过于常见或过于简单（如 password2025、12个相同字符），请换一个", field="password")
    if username and len(username) >= 3 and username.lower() in lower:
        raise InputError("密码不能包含用户名", field="password")
    if any(name in lower for name in COUNTY_NAMES):
        raise InputError("密码不能包含县名（泽州 / Zezhou）", field="password")
