"""Comparison features of one person record, computed in Python before the linkage model compares pairs.

The model (:mod:`homecoming.linkage.model`) compares two records in SQL on the columns made here, never on
the raw text: names become transliteration-forgiving keys (:func:`homecoming.linkage.names.name_keys`), so
"Олександр", "Александр" and "OLEKSANDR" meet, and every key is plain ASCII (:func:`ascii_key`), so an edit
distance counts letters. On Cyrillic text an engine that measures UTF-8 bytes sees two edits where a reader
sees one ("Сергей"/"Сергій" differ in one letter, two bytes); the tests pin that the model never meets
Cyrillic in a distance.

Each function takes the text of one field and returns its features:

* names: :func:`clean_name` (exact-match form), :func:`name_key_list`, :func:`given_keys` (with the
  equivalence groups of :mod:`homecoming.linkage.given_names`), :func:`patronymic_keys` (the father's name
  behind "Андрійович", "Андреевич", "Andriiovych"), :func:`initial_letters`;
* :func:`birth_parts` (year, month, day of a partial date), :func:`service_number_parts` (normal form, its
  digits, whether a 10-digit number passes the taxpayer-number check digit), :func:`unit_key`
  ('в/ч А4009' = 'military unit A4009' = 'A4009'), :func:`sex_code` (from the column or the patronymic).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from homecoming.linkage.given_names import GIVEN_NAME_EQUIVALENTS
from homecoming.linkage.names import given_name_groups, name_keys

# ---------------------------------------------------------------- names

#: Given names whose Ukrainian and Russian forms do not share a transliteration key, beyond the
#: registry's own equivalents (:data:`homecoming.linkage.given_names.GIVEN_NAME_EQUIVALENTS`).
LINKAGE_EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "khoma": ("Хома", "Фома", "Foma", "Thomas"),
    "panas": ("Панас", "Афанасій", "Афанасий", "Afanasii", "Afanasy"),
    "yakiv": ("Яків", "Яков", "Yakov", "Iakov", "Jacob"),
    "omelian": ("Омелян", "Омельян", "Емельян", "Yemelian", "Emelian"),
    "yukhym": ("Юхим", "Охрім", "Ефим", "Евфимий", "Yefim", "Efim"),
    "okhrim": ("Охрім", "Єфрем", "Ефрем", "Yefrem", "Efrem"),
    "hlib": ("Гліб", "Глеб", "Gleb"),
    "hnat": ("Гнат", "Ігнат", "Игнат", "Ignat"),
    "onysym": ("Онисим", "Анисим", "Anisim"),
    "avksentii": ("Овксентій", "Авксентій", "Авксентий", "Avksentii"),
    "yarema": ("Ярема", "Єремій", "Еремей", "Eremei", "Yeremei"),
    "trokhym": ("Трохим", "Трофим", "Trofim"),
    "nykyfor": ("Никифор", "Микифор", "Nikifor"),
    "marko": ("Марко", "Марк", "Mark"),
    "oleksa": ("Олекса", "Алекса"),
    "olesia": ("Олеся", "Алеся", "Olesya"),
    "zynovii": ("Зіновій", "Зиновій", "Зиновий", "Zinovii"),
    "yevdokym": ("Євдоким", "Евдоким", "Evdokim"),
    "yevhenia": ("Євгенія", "Евгения", "Evgenia", "Yevgenia"),
    "yelyzaveta": ("Єлизавета", "Елизавета", "Елисавета"),
    "larion": ("Ларіон", "Іларіон", "Илларион", "Larion", "Illarion"),
    "orest": ("Орест", "Орест"),
    "matvii": ("Матвій", "Матвей", "Matvey"),
    "arsenii": ("Арсеній", "Арсен", "Арсений", "Arsenii"),
    "oksana": ("Оксана", "Ксения", "Ксенія", "Kseniia"),
}

#: Familiar forms that stand for a full name (Саша for Олександр or Олександра: the sex tells them apart).
DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "oleksandr": ("Саша", "Сашко", "Шура", "Sasha", "Sashko"),
    "oleksandra": ("Саша", "Шура", "Sasha"),
    "yevhen": ("Женя", "Євгеній", "Zhenia", "Zhenya"),
    "yevhenia": ("Женя", "Zhenia", "Zhenya"),
    "dmytro": ("Діма", "Дима", "Dima"),
    "mykola": ("Коля", "Микола", "Kolia", "Kolya"),
    "mykhailo": ("Миша", "Михась", "Misha"),
    "yurii": ("Юра", "Юрко", "Yura"),
    "serhii": ("Сергійко", "Серьожа", "Серёжа", "Сережа", "Seryozha"),
    "vasyl": ("Вася", "Василько", "Vasia"),
    "petro": ("Петя", "Петрик", "Petia"),
    "ivan": ("Ваня", "Івась", "Vania"),
    "andrii": ("Андрійко", "Андрюша", "Andriiko"),
    "anatolii": ("Толя", "Tolia"),
    "viktor": ("Вітя", "Витя", "Vitia"),
    "volodymyr": ("Володя", "Вова", "Volodia", "Vova"),
    "pavlo": ("Павлик", "Паша", "Pasha"),
    "kostiantyn": ("Костя", "Kostia"),
    "leonid": ("Льоня", "Лёня", "Lionia"),
    "borys": ("Боря", "Boria"),
    "fedir": ("Федя", "Fedia"),
    "hryhorii": ("Гриша", "Грицько", "Grisha"),
    "oleksii": ("Льоша", "Лёша", "Алёша", "Альоша", "Liosha"),
    "nataliia": ("Наташа", "Natasha"),
    "tetiana": ("Таня", "Tania"),
    "olha": ("Оля", "Olia"),
    "halyna": ("Галя", "Halia"),
    "mariia": ("Маша", "Маруся", "Masha"),
    "kateryna": ("Катя", "Катруся", "Katia"),
    "yuliia": ("Юля", "Yulia"),
    "liudmyla": ("Люда", "Liuda"),
    "iryna": ("Іра", "Ира", "Ira"),
    "svitlana": ("Світла", "Света", "Sveta"),
    "vitalii": ("Віталік", "Виталик", "Vitalik"),
    "stepan": ("Стьопа", "Стёпа", "Styopa"),
    "maksym": ("Макс", "Max"),
}

# Latin letters that look like Cyrillic ones, and back: a lookalike typed inside a word of the other script
_LATIN_TO_CYRILLIC = str.maketrans("aceiopxykmthbACEIOPXYKMTHB", "асеіорхукмтнвАСЕІОРХУКМТНВ")
_CYRILLIC_TO_LATIN = str.maketrans("асеіорхуАВСЕІКМНОРТХУЅЈ", "aceiopxyABCEIKMHOPTXYSJ")
# the folded keys use š ž č (two bytes each in UTF-8); letters no key contains stand in for them
_ASCII = str.maketrans({"š": "w", "ž": "q", "č": "x"})
_APOSTROPHES = str.maketrans({"ʼ": "'", "’": "'", "`": "'", "‘": "'"})


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


@functools.lru_cache(maxsize=500_000)
def clean_name(text: str | None) -> str:
    """The form two names are compared in for an exact match: NFC, lower case, apostrophes unified,
    one space between words, lookalike letters of the other script folded into the word's own script
    ("Сидорoвський" with a Latin o = "сидоровський"). "" for nothing."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).strip().lower()
    words = []
    for word in text.split():
        cyrillic = sum(1 for ch in word if _is_cyrillic(ch))
        latin = sum(1 for ch in word if ch.isascii() and ch.isalpha())
        if cyrillic and latin:
            word = word.translate(_LATIN_TO_CYRILLIC if cyrillic >= latin else _CYRILLIC_TO_LATIN)
        words.append(word)
    return " ".join(words)


def ascii_key(key: str) -> str:
    """A folded key with š ž č written as w q x (letters no folded key holds): one byte a letter, so any
    edit distance on it counts letters."""
    return key.translate(_ASCII)


@functools.lru_cache(maxsize=500_000)
def name_key_list(text: str | None) -> tuple[str, ...]:
    """The sorted ASCII keys of a name in any script (``()`` for none); spellings of one name share one."""
    name = clean_name(text)
    if not name:
        return ()
    return tuple(sorted({ascii_key(k) for k in name_keys(name.replace(" ", "-"))}))


def _extra_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for table in (LINKAGE_EQUIVALENTS, DIMINUTIVES):
        for group, forms in table.items():
            for form in forms if table is DIMINUTIVES else (group, *forms):
                for key in name_keys(form):
                    index.setdefault(key, set()).add(group)
    return {key: frozenset(groups) for key, groups in index.items()}


_EXTRA_INDEX = _extra_index()


@functools.lru_cache(maxsize=200_000)
def name_groups(text: str | None) -> frozenset[str]:
    """The equivalence groups of a given name: the registry's, the Ukrainian/Russian pairs of
    :data:`LINKAGE_EQUIVALENTS`, and the full names a familiar form (:data:`DIMINUTIVES`) stands for."""
    name = clean_name(text)
    if not name:
        return frozenset()
    extra = {g for key in name_keys(name) for g in _EXTRA_INDEX.get(key, ())}
    return given_name_groups(name) | extra


@functools.lru_cache(maxsize=200_000)
def given_keys(text: str | None) -> tuple[str, ...]:
    """:func:`name_key_list` plus ``grp:<id>`` for each group of equivalent given names it belongs to
    (Олександр = Александр = Alexander)."""
    name = clean_name(text)
    if not name or is_initial(name):
        return ()
    groups = {f"grp:{g}" for g in name_groups(name)}
    return tuple(sorted(set(name_key_list(name)) | groups))


@functools.lru_cache(maxsize=200_000)
def is_initial(text: str | None) -> bool:
    """True for a name given as an initial only: "О.", "O", "Ол."."""
    name = clean_name(text)
    letters = name.replace(".", "").replace(" ", "")
    return len(letters) == 1 or (0 < len(letters) <= 2 and name.endswith("."))


@functools.lru_cache(maxsize=200_000)
def initial_letters(text: str | None) -> tuple[str, ...]:
    """The first letters of every key of a name or of its initial, and of every form of its name group
    ("Олександр": o and a, for Александр): an initial matches any of them."""
    name = clean_name(text).rstrip(".")
    if not name:
        return ()
    letters = {k[0] for k in name_key_list(name) if k}
    for group in name_groups(name) if not is_initial(text) else ():
        forms = GIVEN_NAME_EQUIVALENTS.get(group, ()) + LINKAGE_EQUIVALENTS.get(group, ())
        for form in forms:
            letters.update(k[0] for k in name_key_list(form) if k)
    return tuple(sorted(letters))


_PATRONYMIC_ENDING = re.compile(r"(?:ov|ev|iv|v)?(?:ix|ih|ic)$|(?:ov|ev|iv|iiv|ix|ic)?na$")
_STEM_END = re.compile(r"[aeiou]+$")


def _stem(key: str) -> str:
    return _STEM_END.sub("", key)


_TYPED_ENDING = re.compile(r"(?:ov|ev|iv)[a-z]{1,4}$")


def _patronymic_stem(key: str) -> str:
    """The father's name in a patronymic key; an ending typed wrong ("-овчи") is cut at its -ov/-ev."""
    if len(key) <= 4:
        return key
    cut = _PATRONYMIC_ENDING.sub("", key)
    if cut == key:
        cut = _TYPED_ENDING.sub("", key)
    return _stem(cut)


def _stem_groups() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for table in (GIVEN_NAME_EQUIVALENTS, LINKAGE_EQUIVALENTS):
        for group, forms in table.items():
            for form in (group, *forms):
                for key in name_key_list(form):
                    index.setdefault(_stem(key), set()).add(group)
                    if re.search(r"[aeiou][a-z]*(?:ov|iv|ev)$", key):  # Яків/Яков: Якович
                        index.setdefault(key[:-2], set()).add(group)
    return {stem: frozenset(groups) for stem, groups in index.items()}


_STEM_GROUPS = _stem_groups()


@functools.lru_cache(maxsize=200_000)
def patronymic_keys(text: str | None) -> tuple[str, ...]:
    """Keys of the father's given name behind a patronymic, in any script and either sex:
    "Андрійович", "Андреевич", "Andriiovych", "Андріївна" all give ``andr``; the groups of equivalent
    names are added ("Олександрович" and "Александрович" share ``grp:oleksandr``)."""
    name = clean_name(text)
    if not name or is_initial(name):
        return ()
    stems = {_patronymic_stem(k) for k in name_key_list(name)}
    groups = {f"grp:{g}" for s in stems for g in _STEM_GROUPS.get(s, ())}
    return tuple(sorted({s for s in stems if s} | groups))


# ---------------------------------------------------------------- sex

_FEMALE_PATRONYMIC = re.compile(r"(івна|ївна|овна|евна|ична|ічна|inichna|ivna|ovna|evna|ichna|ychna)$")
_MALE_PATRONYMIC = re.compile(r"(ович|евич|євич|йович|ич|ovych|evych|ovich|evich|ich|ych)$")


def sex_code(sex: str | None, patronymic: str | None = None) -> str | None:
    """ "M", "F" or None: from the sex column (M, F, male, female, ч, ж, м), else from the patronymic's
    ending (-івна, -ovna: F; -ович, -evich: M)."""
    value = (sex or "").strip().lower()
    if value in ("m", "male", "м", "ч", "чол", "муж"):
        return "M"
    if value in ("f", "female", "ж", "жін", "жен"):
        return "F"
    name = clean_name(patronymic)
    if _FEMALE_PATRONYMIC.search(name):
        return "F"
    if _MALE_PATRONYMIC.search(name):
        return "M"
    return None


# ---------------------------------------------------------------- dates

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True)
class BirthParts:
    """What a birth date gives the model: the ISO text of a full date (None when partial), and its parts."""

    full: str | None
    year: int | None
    month: int | None
    day: int | None


def birth_parts(text: str | None) -> BirthParts:
    """The parts of a (partial) ISO birth date as :class:`homecoming.domain.partial_dates.PartialDate`
    writes it: "1990-05-17", "1990-05" or "1990"; anything else gives no parts."""
    match = _ISO.fullmatch((text or "").strip())
    if not match:
        return BirthParts(None, None, None, None)
    year, month, day = (int(g) if g else None for g in match.groups())
    full = f"{year:04d}-{month:02d}-{day:02d}" if day is not None and month is not None else None
    return BirthParts(full, year, month, day)


# ---------------------------------------------------------------- numbers

_RNOKPP_WEIGHTS = (-1, 5, 7, 9, 4, 6, 10, 5, 7)


def rnokpp_valid(digits: str) -> bool:
    """Does a 10-digit number pass the check digit of the Ukrainian taxpayer number (РНОКПП), often used
    as a service number? A one-digit typo almost always breaks it."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits, _RNOKPP_WEIGHTS, strict=False))
    return total % 11 % 10 == int(digits[9])


@dataclass(frozen=True)
class ServiceNumber:
    """A service number's normal form (upper case, lookalike Cyrillic letters as Latin, no spaces or
    dashes), its digits, and whether those pass the taxpayer-number check digit."""

    normal: str
    digits: str
    check_digit_ok: bool


def service_number_parts(text: str | None) -> ServiceNumber | None:
    """:class:`ServiceNumber` of a service number ("КМ 875676" = "KM-875676"), None when empty."""
    raw = unicodedata.normalize("NFKC", text or "").upper().translate(_CYRILLIC_TO_LATIN)
    normal = re.sub(r"[\s\-_./]+", "", raw)
    if not normal:
        return None
    digits = "".join(ch for ch in normal if ch.isdigit())
    return ServiceNumber(normal, digits, rnokpp_valid(digits))


_UNIT_PREFIX = re.compile(
    r"^(?:в\s*/\s*ч|в\.\s*ч\.?|m\s*/\s*u|military\s+unit|unit|mil\.?\s*unit|вч|mu)\.?\s*", re.IGNORECASE
)


def unit_key(text: str | None) -> str | None:
    """A military unit's code without its prefix, upper case, lookalikes as Latin: 'в/ч А4009',
    'в/чА4009', 'military unit A4009', 'm/u A4009' and 'A4009' are all ``A4009``. None when empty."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    value = _UNIT_PREFIX.sub("", value)
    key = re.sub(r"[\s\-_.№#]+", "", value.upper().translate(_CYRILLIC_TO_LATIN))
    return key or None


__all__ = [
    "DIMINUTIVES",
    "LINKAGE_EQUIVALENTS",
    "BirthParts",
    "ServiceNumber",
    "ascii_key",
    "birth_parts",
    "clean_name",
    "given_keys",
    "initial_letters",
    "is_initial",
    "name_groups",
    "name_key_list",
    "patronymic_keys",
    "rnokpp_valid",
    "service_number_parts",
    "sex_code",
    "unit_key",
]
