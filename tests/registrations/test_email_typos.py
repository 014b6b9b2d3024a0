import pytest

from registrations.email_typos import suggested_address


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("john.smith@gmial.com", "john.smith@gmail.com"),
        ("ada@gmai.com", "ada@gmail.com"),
        ("ada@gmaill.com", "ada@gmail.com"),
        ("ada@gmail.con", "ada@gmail.com"),
        ("ada@hotmial.com", "ada@hotmail.com"),
        ("ada@yaho.com", "ada@yahoo.com"),
        ("ada@outlok.com", "ada@outlook.com"),
        ("Ada.King@Hotmial.es", "Ada.King@hotmail.es"),
    ],
)
def test_suggested_address_for_likely_typo(typed, suggested):
    assert suggested_address(typed) == suggested


@pytest.mark.parametrize(
    "typed",
    ["ada@gmail.com", "ada@GMAIL.COM", "ada@mail.com", "ada@ymail.com", "ada@example.org", "ada"],
)
def test_suggested_address_none_for_known_or_unlike_domain(typed):
    assert suggested_address(typed) == ""
