import pytest

from mapping.templatetags.weave import sentence


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("No longer needed", "No longer needed."),
        ("No longer needed.", "No longer needed."),
        ("Is it needed?", "Is it needed?"),
        ("Gone!  ", "Gone!"),
        ("See “the guide.”", "See “the guide.”"),
        ("", ""),
    ],
)
def test_a_reason_ends_in_exactly_one_full_stop(typed, shown):
    assert sentence(typed) == shown
