"""Names across scripts: romanisation, script and language guesses, phonetic keys, name parts.

The same person appears as "Шевченко" in a Ukrainian list, "Shevchenko" in a passport and
"Schewtschenko" in a German-language document. :func:`name_keys` gives every spelling a small set
of *keys* so that two spellings of one name share at least one key. Cyrillic is romanised by both the
Ukrainian national system (Cabinet of Ministers Resolution No. 55 of 27 January 2010, via ``uklatn``)
and Russian ICAO Doc 9303 (via ``iuliia``), then each romanisation is folded by :func:`fold_latin`.

Folding rules (applied to lower case text with accents removed; one left-to-right pass takes the
longest spelling first, then the vowel rules run in order)::

    spelling in lists                                       key   letter
    schtsch, shch, szcz, sch, sh, sz, š                     š     ш, щ (merged on purpose)
    tsch, tch, ch, cz, č                                    č     ч   (German ch = х: extra key, see below)
    zh, ž, ż                                                ž     ж
    kh, gh, h, g                                            h     х, г, ґ (uk "h" = ru "g")
    zgh                                                     zh    зг (uk-2010 writes zgh)
    ts, tz, c before e/i/y/j or at the end                  c     ц
    c elsewhere, ck, q                                      k
    x                                                       ks
    w                                                       v
    ph / th                                                 f / t
    y, j                                                    i     (й, ы, и, і, ї and the glide of я ю є)
    ' ʼ ’ ь ъ and any other non-letter                      --    dropped
    doubled letters (ii, nn, ll ...)                        one
    word-final ei (Sergei, Andrei)                          i     (= Serhii, Andrii)
    i before a vowel (ia, ie, iu, io)                       --    glide dropped: Nataliia = Natalia = Nataliya
    consonant + final er (Alexander)                        -r    (= Aleksandr; Peter = Petr)

A Latin spelling with "ch" (not inside sch/tsch) also gets the key with ch read as German х,
so "Michail" meets "Mikhail". Keys are for finding candidates, not for deciding: they merge
some distinct names (Шур/Щур) and the linkage model weighs the rest of the record.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import iuliia
import uklatn

from homecoming.linkage.given_names import GIVEN_NAME_EQUIVALENTS

Script = Literal["cyrillic", "latin", "mixed", "other"]
Language = Literal["uk", "ru", "unknown"]

UK_ONLY = frozenset("іїєґІЇЄҐ")
RU_ONLY = frozenset("ыэъёЫЭЪЁ")

# letters a scheme leaves untouched because they are not in its alphabet
_UK_FALLBACK = str.maketrans({"ы": "y", "Ы": "Y", "э": "e", "Э": "E", "ъ": "", "Ъ": "", "ё": "io", "Ё": "Io"})
_RU_FALLBACK = str.maketrans(
    {
        "і": "i",
        "І": "I",
        "ї": "i",
        "Ї": "I",
        "є": "ie",
        "Є": "Ie",
        "ґ": "g",
        "Ґ": "G",
        "ʼ": "",
        "'": "",
        "’": "",
    }
)
_PRE_ACCENT = str.maketrans(
    {"š": "sh", "ž": "zh", "ż": "zh", "č": "ch", "ł": "l", "ß": "ss", "ø": "o", "đ": "d", "ı": "i"}
)
# Latin letters that look like Cyrillic ones (typed by mistake inside Cyrillic words)
_HOMOGLYPHS = str.maketrans("aceiopxykmthbACEIOPXYKMTHB", "асеіорхукмтнвАСЕІОРХУКМТНВ")

_CONSONANTS = {
    "schtsch": "š",
    "shch": "š",
    "szcz": "š",
    "tsch": "č",
    "zgh": "zh",
    "sch": "š",
    "tch": "č",
    "sh": "š",
    "sz": "š",
    "ch": "č",
    "cz": "č",
    "zh": "ž",
    "kh": "h",
    "gh": "h",
    "ts": "c",
    "tz": "c",
    "ck": "k",
    "ph": "f",
    "th": "t",
    "x": "ks",
    "w": "v",
    "g": "h",
    "q": "k",
    "y": "i",
    "j": "i",
}
_CONSONANT_RE = re.compile("|".join(sorted(_CONSONANTS, key=len, reverse=True)) + "|c")
_GERMAN_CH = dict(_CONSONANTS, ch="h")
_DOUBLE_RE = re.compile(r"(.)\1+")
_FINAL_EI_RE = re.compile(r"ei$")
_GLIDE_RE = re.compile(r"i(?=[aeou])")
_FINAL_ER_RE = re.compile(r"(?<=[^aeiou])er$")
_NON_LETTER_RE = re.compile(r"[^a-zšžč]+")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['ʼ’][^\W\d_]+)*")


def romanize_uk(text: str) -> str:
    """Ukrainian national romanisation (KMU 55 of 2010), e.g. "Згорани" -> "Zghorany", "Юрій" -> "Yurii"."""
    return str(uklatn.encode(text, table=uklatn.KMU_55)).translate(_UK_FALLBACK)


def romanize_ru(text: str) -> str:
    """Russian romanisation by ICAO Doc 9303, e.g. "Юрий" -> "Iurii", "Пётр" -> "Petr"."""
    return str(iuliia.ICAO_DOC_9303.translate(text)).translate(_RU_FALLBACK)


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


#: apostrophes that Unicode counts as letters (ʼ U+02BC, the Ukrainian apostrophe; ʻ U+02BB; ʹ U+02B9):
#: part of a name in any script, so no letter of another one
APOSTROPHE_LETTERS = frozenset("\u02bc\u02bb\u02b9")


def detect_script(text: str) -> Script:
    """Which script the letters of ``text`` are in; "other" when there are no Latin or Cyrillic letters.

    Apostrophes (' ’ ʼ) and hyphens are no letters: "Демʼян" is Cyrillic."""
    cyrillic = latin = other = False
    for ch in text:
        if not ch.isalpha() or ch in APOSTROPHE_LETTERS:
            continue
        if _is_cyrillic(ch):
            cyrillic = True
        elif "LATIN" in unicodedata.name(ch, ""):
            latin = True
        else:
            other = True
    if cyrillic and (latin or other):
        return "mixed"
    if cyrillic:
        return "cyrillic"
    if latin:
        return "mixed" if other else "latin"
    return "other"


def guess_language(text: str) -> Language:
    """ "uk" if the text has і ї є ґ, "ru" if it has ы э ъ ё, otherwise (or both) "unknown"."""
    letters = set(text)
    uk, ru = bool(letters & UK_ONLY), bool(letters & RU_ONLY)
    if uk == ru:
        return "unknown"
    return "uk" if uk else "ru"


def _consonants(text: str, table: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        found = match.group()
        if found != "c":
            return table[found]
        following = text[match.end() : match.end() + 1]
        return "c" if following in ("", "e", "i", "y", "j") else "k"

    return _CONSONANT_RE.sub(replace, text)


def _fold(text: str, table: dict[str, str]) -> str:
    text = text.lower().translate(_PRE_ACCENT)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = _NON_LETTER_RE.sub("", _consonants(text, table))
    text = _DOUBLE_RE.sub(r"\1", text)
    text = _FINAL_EI_RE.sub("i", text)
    text = _GLIDE_RE.sub("", text)
    text = _FINAL_ER_RE.sub("r", text)
    return _DOUBLE_RE.sub(r"\1", text)


def fold_latin(text: str) -> str:
    """The phonetic key of a Latin spelling (rules in the module docstring)."""
    return _fold(text, _CONSONANTS)


def _latin_keys(text: str) -> set[str]:
    keys = {fold_latin(text)}
    lowered = text.lower()
    if re.search(r"(?<![st])ch", lowered):
        keys.add(_fold(text, _GERMAN_CH))
    return keys


@functools.lru_cache(maxsize=200_000)
def name_keys(text: str) -> frozenset[str]:
    """Search keys of one name part in any script; two spellings of one name share a key."""
    text = text.strip()
    script = detect_script(text)
    if script == "mixed":
        cyrillic = sum(1 for ch in text if _is_cyrillic(ch))
        latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
        if cyrillic >= latin:
            text, script = text.translate(_HOMOGLYPHS), "cyrillic"
    if script == "cyrillic" or any(_is_cyrillic(ch) for ch in text):
        keys = {fold_latin(romanize_uk(text)), fold_latin(romanize_ru(text))}
    else:
        keys = _latin_keys(text)
    return frozenset(k for k in keys if k)


def _group_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for group, forms in GIVEN_NAME_EQUIVALENTS.items():
        for form in (group, *forms):
            for key in name_keys(form):
                index.setdefault(key, set()).add(group)
    return {key: frozenset(groups) for key, groups in index.items()}


_GROUP_INDEX = _group_index()


def given_name_groups(text: str) -> frozenset[str]:
    """Ids of the equivalence groups any spelling of this given name belongs to."""
    return frozenset(g for key in name_keys(text) for g in _GROUP_INDEX.get(key, ()))


@functools.lru_cache(maxsize=200_000)
def given_name_keys(text: str) -> frozenset[str]:
    """:func:`name_keys` plus ``grp:<id>`` for each equivalence group the name belongs to."""
    return name_keys(text) | {f"grp:{g}" for g in given_name_groups(text)}


#: the prefix of a pair key (:func:`pair_keys`); no folded name key has a colon but the groups' ``grp:``
PAIR_PREFIX = "pair:"


def pair_keys(family_name: str, given_name: str) -> frozenset[str]:
    """Keys of the surname and the given name together, ``pair:<surname key>|<given key>``, at most 64
    characters: one look-up finds the persons with both names (a common surname or a common given name
    alone matches thousands). The given name counts by its equivalence groups when it has one
    (Олександр = Александр = Alexander), else by its own keys; every word of each name counts."""
    out: set[str] = set()
    surnames = {k for word in family_name.replace("-", " ").split() for k in name_keys(word)}
    for word in given_name.replace("-", " ").split():
        keys = given_name_keys(word)
        groups = {k for k in keys if k.startswith("grp:")}
        for given in sorted(groups or keys):
            out |= {f"{PAIR_PREFIX}{surname}|{given}"[:64] for surname in surnames}
    return frozenset(out)


@dataclass(frozen=True)
class NameParts:
    family: str
    given: str
    patronymic: str


_PATRONYMIC_RE = re.compile(
    r"(ович|евич|євич|йович|ич|івна|ївна|овна|евна|ічна|ична|"
    r"ovych|evych|ovich|evich|ovitch|ivna|yivna|ovna|evna|ichna|ychna)$",
    re.IGNORECASE,
)


def _is_patronymic(word: str) -> bool:
    return len(word) > 4 and bool(_PATRONYMIC_RE.search(word))


def _is_upper_word(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def split_full_name(text: str) -> NameParts:
    """Split a full name into family, given and patronymic (each "" when absent).

    In order: "Family, Given Patronymic" (comma); one ALL-CAPS word among mixed-case words is the
    family name ("ШЕВЧЕНКО Тарас Григорович", "Taras SHEVCHENKO"); a word that ends like a
    patronymic (-ович, -івна, -ovych, -ovna ...) follows the given name and the family name is
    what is left; otherwise Cyrillic names are read "Family Given Patronymic" (the order of
    official lists) and Latin names "Given Middle Family". Spelling and case are kept as written.
    """
    if "," in text:
        family, _, after = text.partition(",")
        given = after.split()
        return NameParts(family.strip(), given[0] if given else "", " ".join(given[1:]))
    words = text.split()
    if not words:
        return NameParts("", "", "")
    upper = [i for i, w in enumerate(words) if _is_upper_word(w)]
    if len(upper) == 1 and len(words) > 1:
        rest = words[: upper[0]] + words[upper[0] + 1 :]
        return NameParts(words[upper[0]], rest[0], " ".join(rest[1:]))
    patronymic = [i for i, w in enumerate(words) if i > 0 and _is_patronymic(w)]
    if patronymic and len(words) > 2:
        p = patronymic[-1]
        family = " ".join(words[: p - 1] + words[p + 1 :])
        return NameParts(family, words[p - 1], words[p])
    if len(words) == 1:
        return NameParts(words[0], "", "")
    if detect_script(text) == "cyrillic":
        return NameParts(words[0], words[1], " ".join(words[2:]))
    return NameParts(words[-1], words[0], " ".join(words[1:-1]))


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def query_key_sets(text: str) -> tuple[frozenset[str], ...]:
    """One key set per word of a free-text query (given-name groups included)."""
    return tuple(keys for keys in (given_name_keys(w) for w in _words(text)) if keys)


def search_tokens(text: str) -> frozenset[str]:
    """All keys of all words of ``text``: what the search index stores for a person's names."""
    return frozenset(k for keys in query_key_sets(text) for k in keys)


def matches_query(query: str, tokens: Iterable[str]) -> bool:
    """True when every word of ``query`` shares a key with ``tokens`` (from :func:`search_tokens`)."""
    stored = frozenset(tokens)
    sets = query_key_sets(query)
    return bool(sets) and all(keys & stored for keys in sets)


__all__ = [
    "GIVEN_NAME_EQUIVALENTS",
    "RU_ONLY",
    "UK_ONLY",
    "Language",
    "NameParts",
    "Script",
    "detect_script",
    "fold_latin",
    "given_name_groups",
    "given_name_keys",
    "guess_language",
    "matches_query",
    "name_keys",
    "query_key_sets",
    "romanize_ru",
    "romanize_uk",
    "search_tokens",
    "split_full_name",
]
