import itertools

import pytest

from kaikukanta.cards import numbers


def test_generated_numbers_parse_and_display():
    for _ in range(200):
        n = numbers.generate()
        assert numbers.parse(n) == n
        assert numbers.parse(numbers.display(n).lower()) == n
        assert n[0] not in "XZ"
    assert numbers.generate("X")[0] == "X" and numbers.generate("Z")[0] == "Z"


def test_alphabet_has_no_confusable_characters():
    assert not set("0O1IL") & set(numbers.ALPHABET)


def test_every_single_substitution_and_neighbour_swap_is_caught():
    n = numbers.generate()
    for i, c in itertools.product(range(numbers.LENGTH), numbers.ALPHABET):
        if c != n[i]:
            with pytest.raises(numbers.CheckCharacterError):
                numbers.parse(n[:i] + c + n[i + 1:])
    for i in range(numbers.LENGTH - 1):
        if n[i] != n[i + 1]:
            swapped = n[:i] + n[i + 1] + n[i] + n[i + 2:]
            with pytest.raises(numbers.CheckCharacterError):
                numbers.parse(swapped)


@pytest.mark.parametrize("text", ["", "ABC", "K7M4-9QX", "K7M4-9QX22", "O0O0-0000"])
def test_wrong_shapes_are_format_errors(text):
    with pytest.raises(numbers.NumberFormatError):
        numbers.parse(text)


def test_qr_payload_prefix_is_accepted():
    n = numbers.generate()
    assert numbers.parse(numbers.qr_payload(n)) == n
