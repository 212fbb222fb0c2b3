"""统一社会信用代码 (unified social credit code) checks per GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, S, V, Z): registration
authority, entity kind, 6-digit division code, 9-character organisation code,
and a check character computed over the first 17 with fixed weights.
"""

import unicodedata

from app.core.errors import InputError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def normalize_credit_code(value: str | None) -> str:
    """Full-width to ASCII, upper case, spaces and dashes removed."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")


def check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str | None, *, what: str = "统一社会信用代码") -> str | None:
    """Normalised code, None when blank; InputError naming what is wrong otherwise."""
    code = normalize_credit_code(value)
    if not code:
        return None
    if len(code) != LENGTH:
        raise InputError(f"{what}“{value}”应为18位，实际{len(code)}位", field="credit_code")
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        raise InputError(
            f"{what}“{value}”含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）", field="credit_code"
        )
    if not code[2:8].isdigit():
        raise InputError(f"{what}“{value}”第3至8位应为行政区划代码（6位数字）", field="credit_code")
    # The expected character is not shown: a typo elsewhere would otherwise be "fixed" by editing it.
    if code[17] != check_character(code[:17]):
        raise InputError(f"{what}“{value}”校验位不正确，请对照营业执照核对每一位", field="credit_code")
    return code


def is_valid_credit_code(value: str | None) -> bool:
    """True for a well-formed code with the right check character."""
    try:
        return validate_credit_code(value) is not None
    except InputError:
        return False
