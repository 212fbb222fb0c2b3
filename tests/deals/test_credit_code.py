"""GB 32100-2015 unified social credit codes: real valid codes pass, typos and malformed codes are refused."""

import pytest

from app.core.errors import InputError
from app.deals.credit_code import check_character, is_valid_credit_code, validate_credit_code

# Real registered codes whose 18th character was recomputed (see the hand computation below).
VALID = ["91350100M000100Y43", "91110108551385082Q", "911100001000079554", "91110000802100433B"]


def test_hand_computed_check_character():
    # 91350100M000100Y4 → M=21, Y=30 in the alphabet 0-9 A-H J-N P-R T U W-Y.
    values = [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(v * w for v, w in zip(values, weights, strict=True))
    # 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112
    assert total == 1640
    assert total % 31 == 28 and 31 - total % 31 == 3  # the 18th character is "3"
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", VALID)
def test_real_codes_are_valid(code):
    assert validate_credit_code(code) == code
    assert is_valid_credit_code(code)


def test_input_is_normalised():
    assert validate_credit_code(" 9135 0100-m000100y43 ") == "91350100M000100Y43"
    assert validate_credit_code("９１１１０１０８５５１３８５０８２Ｑ") == "91110108551385082Q"  # full-width
    assert validate_credit_code("") is None
    assert validate_credit_code(None) is None


@pytest.mark.parametrize(
    "code, message",
    [
        ("91350100M000100Y44", "校验位不正确"),  # last character changed
        ("91110108551385082R", "校验位不正确"),
        ("91110108551835082Q", "校验位不正确"),  # two digits swapped
        ("9135010M000100Y43", "应为18位"),  # one character missing
        ("91350100M000100Y433", "应为18位"),
        ("91350100I000100Y43", "不允许的字符：I"),  # I, O, S, V, Z are not used
        ("9135010OM000100Y43", "不允许的字符：O"),
        ("913501AAM000100Y43", "行政区划代码"),
    ],
)
def test_invalid_codes_are_refused_with_a_clear_message(code, message):
    with pytest.raises(InputError) as info:
        validate_credit_code(code)
    assert message in info.value.message
    assert info.value.field == "credit_code"
    assert not is_valid_credit_code(code)


def test_every_single_character_typo_is_caught():
    code = "91110108551385082Q"
    for position in range(17):
        for replacement in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if replacement == code[position]:
                continue
            typo = code[:position] + replacement + code[position + 1 :]
            if typo[2:8].isdigit():
                assert not is_valid_credit_code(typo), typo
