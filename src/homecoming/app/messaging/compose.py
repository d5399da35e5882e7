"""What a message to a family says: each purpose has ONE fixed template per channel, in uk, ru and en.

Nothing that reveals a death is ever sent by e-mail or SMS (issue 13): a news message only says that
there is news and where to read it (the status page, with the request's code and secret) or whom to
contact. So no purpose takes free text: the only values filled in are the request code, its secret and
the status page's address, each checked for its shape (:func:`compose` refuses any other key and any
value that is not a code, a secret or a web address), and the rendered text is checked once more against
the words of death in the three languages (:data:`REVEALING`) before it is stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from homecoming.app.messaging.models import Channel, Purpose
from homecoming.errors import Problem, ValidationError

LANGUAGES = ("uk", "ru", "en")

#: the values each purpose's templates take, and nothing else
FIELDS: dict[str, tuple[str, ...]] = {
    Purpose.request_code: ("code", "secret", "status_url"),
    Purpose.news: ("code", "status_url"),
}
_SHAPES = {
    "code": (re.compile(r"^[2-9A-Z]{3,5}(?:-[2-9A-Z]{3,5}){1,3}$|^[2-9A-Z]{6,20}$"), "a request code"),
    "secret": (re.compile(r"^[2-9A-Z]{3,5}(?:-[2-9A-Z]{3,5}){1,4}$|^[2-9A-Z]{6,24}$"), "a request secret"),
    "status_url": (re.compile(r"^https?://[^\s<>\"']{1,280}$"), "a web address (http:// or https://)"),
}

#: words that could tell of a death, in the three languages (stems); never in a message to a family
REVEALING = re.compile(
    r"\b(?:dead|death|died|dies|killed|deceased|remains|body|bodies|burial|funeral|identified"
    r"|смерт\w*|помер\w*|загин\w*|загибл\w*|вбит\w*|тіло|тіла|останк\w*|похован\w*|похорон\w*"
    r"|умер\w*|погиб\w*|убит\w*|тело|тела|скончал\w*|опознан\w*|ідентифікован\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str


def _subject(purpose: str, code: str) -> str:
    if purpose == Purpose.request_code:
        return _("Your tracing request %(code)s") % {"code": code}
    return _("News on your tracing request %(code)s") % {"code": code}


def compose(*, purpose: str, channel: str, language: str, values: Mapping[str, str]) -> Composed:
    """The subject and text of a ``purpose`` message on ``channel`` in ``language``, from ``values``.

    Refuses (``ValidationError`` naming the field, the value and the fix) an unknown purpose, channel or
    language, a value the purpose does not take (there is no free text), a value of the wrong shape, and a
    rendered text that contains a word of death.
    """
    problems: list[Problem] = []
    one_of = "use one of: "
    if purpose not in FIELDS:
        problems.append(Problem("purpose", "is not a message purpose", purpose, one_of + ", ".join(FIELDS)))
    if channel not in Channel.values:
        problems.append(Problem("channel", "is not a channel", channel, one_of + ", ".join(Channel.values)))
    if language not in LANGUAGES:
        problems.append(Problem("language", "is not a message language", language, "use uk, ru or en"))
    if problems:
        raise ValidationError.from_problems(problems, "the message", listed=None)
    wanted = FIELDS[purpose]
    for key, value in values.items():
        if key not in wanted:
            problems.append(
                Problem(
                    key,
                    f"is not a value of the {purpose} message (it has no free text)",
                    str(value)[:40],
                    "give only " + ", ".join(wanted),
                )
            )
            continue
        pattern, what = _SHAPES[key]
        if not isinstance(value, str) or not pattern.match(value):
            problems.append(Problem(key, f"is not {what}", str(value)[:40], f"give {what}"))
    problems += [Problem(k, "is required", None, f"give the {k}") for k in wanted if not values.get(k)]
    if problems:
        raise ValidationError.from_problems(problems, "the message", listed=None)
    with translation.override(language):
        subject = _subject(purpose, values["code"]) if channel == Channel.email else ""
        body = render_to_string(f"messaging/{purpose}_{channel}.txt", dict(values)).strip() + "\n"
    found = REVEALING.search(subject + "\n" + body)
    if found:
        problem = Problem(
            "body",
            "would tell of a death by e-mail or SMS",
            found.group(0),
            "only say that there is news; the news itself is read on the status page",
        )
        raise ValidationError.from_problems([problem], "the message")
    return Composed(subject=subject, body=body)
