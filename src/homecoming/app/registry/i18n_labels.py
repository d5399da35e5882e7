"""Labels defined outside Django (in ``homecoming.domain``) or built at run time, marked for translation.

``makemessages`` cannot see strings passed to ``gettext`` through a variable; listing them here puts
them in the catalogue.
"""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Draft"),
    gettext_noop("Registered"),
    gettext_noop("Verified"),
    gettext_noop("Active search"),
    gettext_noop("Located alive"),
    gettext_noop("Captivity confirmed"),
    gettext_noop("Death confirmed, remains identified"),
    gettext_noop("Death confirmed, remains not recovered"),
    gettext_noop("Closed: duplicate"),
    gettext_noop("Closed: withdrawn by the requester"),
    gettext_noop("Closed: recorded in error"),
    gettext_noop("Capture card for prisoner of war"),
]
