"""The public surface of homecoming.linkage: a sorted __all__ of names that exist."""

import inspect

import homecoming.linkage as linkage


def test_all_is_sorted_and_complete() -> None:
    assert linkage.__all__ == sorted(linkage.__all__)
    public = {n for n, v in vars(linkage).items() if not n.startswith("_") and not inspect.ismodule(v)}
    assert set(linkage.__all__) == public
