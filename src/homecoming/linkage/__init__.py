"""Record linkage of person lists: names in Cyrillic and Latin scripts, transliteration-forgiving keys.

``names``: romanisation (Ukrainian national standard 2010, Russian ICAO 9303), script and language
detection, folded search keys, given-name equivalents (Олександр = Александр = Alexander), name splitting.
"""

from homecoming.linkage.names import (
    NameParts,
    detect_script,
    fold_latin,
    given_name_groups,
    given_name_keys,
    guess_language,
    matches_query,
    name_keys,
    pair_keys,
    query_key_sets,
    romanize_ru,
    romanize_uk,
    search_tokens,
    split_full_name,
)

__all__ = [
    "NameParts",
    "detect_script",
    "fold_latin",
    "given_name_groups",
    "given_name_keys",
    "guess_language",
    "matches_query",
    "name_keys",
    "pair_keys",
    "query_key_sets",
    "romanize_ru",
    "romanize_uk",
    "search_tokens",
    "split_full_name",
]
