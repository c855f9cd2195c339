import pytest

from mapping.templatetags.weave import sentence, spacing_differs


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


@pytest.mark.parametrize(("text", "other", "said"), [
    ("a\xa0b", "a b", "non-breaking spaces differ"), ("a\nb", "a b", "line breaks differ"),
    ("a  b", "a b", "spaces differ"), ("a b", "a c", ""), ("a b", "a b", ""), (None, "a", ""),
])  # fmt: skip
def test_a_change_of_spacing_alone_is_named(text, other, said):
    assert spacing_differs(text, other) == said
