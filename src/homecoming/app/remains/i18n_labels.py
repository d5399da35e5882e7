"""Labels defined outside Django (in ``homecoming.domain.remains_states``), marked for translation.

``makemessages`` cannot see strings passed to ``gettext`` through a variable; listing them here puts
them in the catalogue.
"""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Received"),
    gettext_noop("Registered"),
    gettext_noop("Stored"),
    gettext_noop("Examined"),
    gettext_noop("Sampled"),
    gettext_noop("DNA profile obtained"),
    gettext_noop("Candidate match"),
    gettext_noop("Identification proposed"),
    gettext_noop("Identified"),
    gettext_noop("Released to the family"),
    gettext_noop("Handed over to the other party"),
    gettext_noop("Buried unidentified"),
]
