"""The public surface of homecoming.linkage: a sorted __all__ of names that exist."""

import homecoming.linkage as linkage


def test_all_is_sorted_and_complete() -> None:
    assert linkage.__all__ == sorted(linkage.__all__)
    for name in linkage.__all__:
        assert getattr(linkage, name) is not None
