"""Labels defined outside Django (in ``homecoming.domain.exchange_states``), marked for translation.

``makemessages`` cannot see strings passed to ``gettext`` through a variable; listing them here puts
them in the catalogue.
"""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Draft"),
    gettext_noop("Concluded"),
    gettext_noop("In implementation"),
    gettext_noop("Fulfilled"),
    gettext_noop("Partially fulfilled"),
    gettext_noop("Suspended"),
    gettext_noop("Planned"),
    gettext_noop("Lists exchanged"),
    gettext_noop("Lists agreed"),
    gettext_noop("Executed"),
    gettext_noop("Reconciled"),
    gettext_noop("Closed"),
    gettext_noop("Cancelled"),
    gettext_noop("Postponed"),
]
