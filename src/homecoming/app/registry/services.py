"""Registry services: every change to persons, cases and status claims goes through here.

Each function runs in one transaction, checks the rules in ``homecoming.domain``, writes its history
rows and one audit record per change. Views, the API, the CLI and imports call only these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.audit import withheld as audit_withheld
from homecoming.app.lookup import by_id
from homecoming.app.registry.models import (
    AssertionReview,
    CaseTransition,
    Enquirer,
    MissingCase,
    NameForm,
    NameKey,
    Person,
    Photo,
    Sequence,
    StatusAssertion,
    StatusChange,
)
from homecoming.app.registry.numbers import normalise_number
from homecoming.app.review import check_reviewer
from homecoming.domain import case_states, contacts
from homecoming.domain.case_states import CaseState
from homecoming.domain.coordinates import coordinate_problems
from homecoming.domain.partial_dates import AgeRange, PartialDate
from homecoming.domain.status import (
    AssertionFact,
    PersonStatus,
    Reliability,
    ReviewState,
    SourceType,
    check_assertion,
    check_review,
    derive_status,
)
from homecoming.errors import (
    ConflictError,
    DuplicatePerson,
    LikelyDuplicate,
    PermissionDenied,
    Problem,
    StateError,
    ValidationError,
)
from homecoming.io.person_columns import PERSON_FIELDS
from homecoming.linkage.names import detect_script, given_name_keys, guess_language, name_keys, pair_keys
from homecoming.provenance import digest

ENQUIRER_CONTACTS = ("name", "phone", "email", "address")
NAME_FIELDS = ("family_name", "given_name", "patronymic", "script", "language", "kind")
_TEXT_LIMITS = {f.name: f.max_length for f in Person._meta.concrete_fields if getattr(f, "max_length", None)}
_NULLABLE = {f for f in PERSON_FIELDS if Person._meta.get_field(f).null}


def emptied(data: Mapping[str, Any]) -> dict[str, Any]:
    """Person fields from a form or a patch, a cleared text field as "" (the model stores no NULL text)."""
    return {k: ("" if v is None and k not in _NULLABLE else v) for k, v in data.items()}


def allocate(name: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers of the named sequence (inside the caller's transaction)."""
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        seq = Sequence.objects.select_for_update().get(name=name)
        start = seq.value + 1
        seq.value += count
        seq.save(update_fields=["value"])
    return range(start, start + count)


def person_reference(number: int) -> str:
    return f"P-{number:07d}"


def _person_problems(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if key not in PERSON_FIELDS:
            problems.append(
                Problem(key, "is not a person field", value, "use one of: " + ", ".join(PERSON_FIELDS))
            )
            continue
        if isinstance(value, str):
            value = value.strip()
            limit = _TEXT_LIMITS.get(key)
            if limit and len(value) > limit:
                problems.append(
                    Problem(key, f"is longer than {limit} characters", value[:40] + "…", "shorten it")
                )
                continue
        clean[key] = value
    if clean.get("birth_date"):
        try:
            clean["birth_date"] = str(PartialDate.parse(str(clean["birth_date"]), field="birth_date"))
        except ValidationError as exc:
            problems.extend(
                exc.problems or [Problem("birth_date", exc.message, clean["birth_date"], exc.hint)]
            )
    for key in ("service_number", "identity_document"):
        if clean.get(key):
            clean[key] = normalise_number(str(clean[key]))
    sex = clean.get("sex")
    if sex is not None and sex not in {"male", "female", "unknown"}:
        problems.append(
            Problem("sex", "must be male, female or unknown", sex, "write male, female or unknown")
        )
    for key in ("citizenship", "power"):
        if clean.get(key):
            clean[key], problem = contacts.country_problem(key, str(clean[key]))
            if problem is not None:
                problems.append(problem)
    amin, amax = clean.get("age_min"), clean.get("age_max")
    if amin is not None and amax is not None and int(amin) > int(amax):
        problems.append(Problem("age_max", "is smaller than age_min", amax, "give the range as from ≤ to"))
    return clean, problems


def _name_problems(names: list[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[Problem]]:
    problems: list[Problem] = []
    clean: list[dict[str, Any]] = []
    if not names:
        problems.append(
            Problem(
                "names",
                "a person needs at least one name form",
                None,
                "give a family name (and given name) as registered",
            )
        )
    for i, raw in enumerate(names):
        form = {k: (str(raw.get(k) or "").strip()) for k in NAME_FIELDS}
        where = f"names[{i}]"
        if not form["family_name"]:
            problems.append(
                Problem(
                    f"{where}.family_name",
                    "is required",
                    raw.get("family_name"),
                    "write the family name; use 'UNKNOWN' only if truly unknown",
                )
            )
            continue
        text = " ".join(form[k] for k in ("family_name", "given_name", "patronymic") if form[k])
        script = detect_script(text)
        if not form["script"]:
            form["script"] = "latin" if script == "latin" else "cyrillic"
        elif form["script"] not in {"cyrillic", "latin"}:
            problems.append(Problem(f"{where}.script", "must be cyrillic or latin", form["script"]))
        elif script in {"cyrillic", "latin"} and script != form["script"]:
            problems.append(
                Problem(
                    f"{where}.script",
                    f"says {form['script']} but the name is written in {script}",
                    text,
                    f"set script to {script}",
                )
            )
        if not form["language"]:
            lang = guess_language(text) if form["script"] == "cyrillic" else "en"
            form["language"] = lang if lang != "unknown" else "uk"
        if not form["kind"]:
            form["kind"] = "registered" if i == 0 else "transliteration"
        elif form["kind"] not in {"registered", "transliteration", "alias"}:
            problems.append(
                Problem(f"{where}.kind", "must be registered, transliteration or alias", form["kind"])
            )
        for k in ("family_name", "given_name", "patronymic"):
            if len(form[k]) > 100:
                problems.append(Problem(f"{where}.{k}", "is longer than 100 characters", form[k][:40] + "…"))
        clean.append(form)
    return clean, problems


def index_names(person: Person, forms: Iterable[NameForm | Mapping[str, Any]]) -> None:
    """Rebuild the folded search keys of a person from its name forms (and parents' names)."""
    keys: set[str] = set()
    for form in forms:
        get = form.get if isinstance(form, Mapping) else lambda k, f=form: getattr(f, k)
        for part in ("family_name", "given_name", "patronymic"):
            keyer = given_name_keys if part == "given_name" else name_keys
            for word in str(get(part) or "").replace("-", " ").split():
                keys |= keyer(word)
        keys |= pair_keys(str(get("family_name") or ""), str(get("given_name") or ""))
    NameKey.objects.filter(person=person).delete()
    NameKey.objects.bulk_create([NameKey(person=person, key=k[:64]) for k in sorted(keys) if k])


def _save_names(person: Person, names: list[dict[str, Any]]) -> None:
    NameForm.objects.filter(person=person).delete()
    NameForm.objects.bulk_create(
        [NameForm(person=person, position=i, **form) for i, form in enumerate(names)]
    )
    index_names(person, names)


def _apply_birth(person: Person) -> None:
    if person.birth_date:
        pd = PartialDate.parse(person.birth_date, field="birth_date")
        person.birth_from, person.birth_to = pd.earliest(), pd.latest()
    elif person.age_min is not None and person.age_max is not None:
        on = person.age_on or timezone.localdate()
        lo, hi = AgeRange(int(person.age_min), int(person.age_max)).birth_year_range(on)
        person.birth_from, person.birth_to = date(lo, 1, 1), date(hi, 12, 31)
    else:
        person.birth_from = person.birth_to = None


def person_snapshot(person: Person) -> dict[str, Any]:
    data = audit.snapshot(person)
    data["names"] = [{k: getattr(f, k) for k in NAME_FIELDS} for f in person.names.order_by("position")]
    return data


def _check_purged(person: Person) -> None:
    if person.purged:
        raise StateError(
            f"{person.reference} was purged and can no longer be changed",
            field="person",
            value=person.reference,
        )


@transaction.atomic
def create_person(
    *,
    actor: Any,
    data: Mapping[str, Any],
    names: list[Mapping[str, Any]],
    reason: str = "",
    warn_likely: bool = False,
    not_duplicate: bool = False,
) -> Person:
    """Record a person. An exact duplicate of a registered person is refused (``DuplicatePerson``) unless
    ``not_duplicate`` confirms it is a different person, with a ``reason`` (audited); with ``warn_likely``
    (the pages and the API) likely duplicates are refused too (``LikelyDuplicate``) until confirmed."""
    clean, problems = _person_problems(data)
    forms, name_problems = _name_problems(names)
    problems += name_problems
    if problems:
        raise ValidationError.from_problems(problems, "the person")
    confirmed = check_duplicates(
        clean, forms, warn_likely=warn_likely, not_duplicate=not_duplicate, reason=reason
    )
    if confirmed:
        reason = f"{reason.strip()} (confirmed a different person from {', '.join(confirmed)})"
    person = Person(**clean, created_by=_user(actor))
    _apply_birth(person)
    person.reference = person_reference(allocate("person")[0])
    person.save(force_insert=True)
    _save_names(person, forms)
    audit.record(actor=actor, action="create", obj=person, after=person_snapshot(person), reason=reason)
    return person


def check_duplicates(
    clean: Mapping[str, Any],
    forms: list[dict[str, Any]],
    *,
    warn_likely: bool,
    not_duplicate: bool,
    reason: str,
) -> list[str]:
    """Refuse an exact (or, with ``warn_likely``, a likely) duplicate; return the references confirmed
    different (empty if there was nothing to confirm)."""
    from homecoming.app.registry import duplicates

    exact = duplicates.exact_duplicates(clean, forms)
    if exact and not (not_duplicate and reason.strip()):
        first = exact[0]
        raise DuplicatePerson(
            f"{first.reference} is already registered with the same name, birth date "
            f"{clean.get('birth_date')} and service number {clean.get('service_number')}; nothing was saved",
            field="service_number",
            value=clean.get("service_number"),
            hint=f"open {first.reference}; or, if this is a different person, confirm it with a reason",
            candidates=[p.reference for p in exact],
            problems=[
                Problem("duplicate_of", "has the same name, birth date and service number", p.reference)
                for p in exact
            ],
        )
    if exact:
        return [p.reference for p in exact]
    if not warn_likely:
        return []
    likely = duplicates.likely_duplicates(clean, forms, limit=5)
    if likely and not not_duplicate:
        raise LikelyDuplicate(
            f"{len(likely)} registered person(s) may be the same person: "
            f"{', '.join(c.person.reference for c in likely)}; nothing was saved",
            field="names",
            value=" ".join(str(forms[0].get(k) or "") for k in ("family_name", "given_name")).strip(),
            hint="open them to check; if this is a different person, confirm and save again",
            candidates=[c.person.reference for c in likely],
            problems=[
                Problem(
                    "likely_duplicate_of",
                    "agrees on " + (", ".join(c.agreeing()) or "nothing"),
                    c.person.reference,
                )
                for c in likely
            ],
        )
    return [c.person.reference for c in likely]


@transaction.atomic
def update_person(
    *,
    actor: Any,
    person_id: int,
    expected_version: int,
    data: Mapping[str, Any],
    names: list[Mapping[str, Any]] | None = None,
    reason: str = "",
) -> Person:
    """Change a person; refuses with ConflictError if someone saved since ``expected_version``."""
    person = by_id(Person.objects.select_for_update(), person_id, what="person", field="person")
    _check_purged(person)
    if person.merged_into_id is not None:
        survivor = Person.objects.get(pk=person.merged_into_id)
        raise StateError(
            f"{person.reference} was merged into {survivor.reference}: change {survivor.reference} instead, "
            f"or undo the merge first",
            field="person",
            value=person.reference,
        )
    if person.version != expected_version:
        last = audit.history(person).last()
        who = f" by {last.actor_name} at {last.created:%Y-%m-%d %H:%M} UTC" if last else ""
        raise ConflictError(
            f"{person.reference} was changed{who} after you opened it (your version {expected_version}, "
            f"now {person.version}). Nothing was saved.",
            field="version",
            value=expected_version,
            hint="reload the person, reapply your change and save again",
        )
    clean, problems = _person_problems(data)
    forms: list[dict[str, Any]] | None = None
    if names is not None:
        forms, name_problems = _name_problems(names)
        problems += name_problems
    if problems:
        raise ValidationError.from_problems(problems, person.reference)
    before = person_snapshot(person)
    for key, value in clean.items():
        setattr(person, key, value)
    _apply_birth(person)
    person.version += 1
    person.updated = timezone.now()
    after = audit.snapshot(person)
    after["names"] = (
        before["names"] if forms is None else [{k: f.get(k, "") for k in NAME_FIELDS} for f in forms]
    )
    changed_before = {k: v for k, v in before.items() if after.get(k) != v}
    changed_after = {k: after[k] for k in changed_before}
    # the audit record first: the table accepts an UPDATE only right after the row's audit record
    audit.record(
        actor=actor, action="update", obj=person, before=changed_before, after=changed_after, reason=reason
    )
    person.save()
    if forms is not None:
        _save_names(person, forms)
    return person


# --- tracing cases ---------------------------------------------------------------------------------


@transaction.atomic
def open_case(
    *,
    actor: Any,
    person: Person,
    data: Mapping[str, Any],
    enquirers: list[Mapping[str, Any]] | None = None,
    register: bool = True,
) -> MissingCase:
    _check_purged(person)
    problems: list[Problem] = []
    fields = (
        "last_contact_date",
        "last_contact_place",
        "last_contact_latitude",
        "last_contact_longitude",
        "unit_at_disappearance",
        "circumstances",
        "external_references",
    )
    clean = {k: v for k, v in data.items() if k in fields}
    pair, coordinate_errors = coordinate_problems(
        clean.pop("last_contact_latitude", None),
        clean.pop("last_contact_longitude", None),
        latitude_field="last_contact_latitude",
        longitude_field="last_contact_longitude",
    )
    problems += coordinate_errors
    if pair:
        clean["last_contact_latitude"], clean["last_contact_longitude"] = pair
    for k in set(data) - set(fields):
        problems.append(Problem(k, "is not a case field", data[k], "use one of: " + ", ".join(fields)))
    if clean.get("last_contact_date"):
        try:
            clean["last_contact_date"] = str(
                PartialDate.parse(str(clean["last_contact_date"]), field="last_contact_date")
            )
        except ValidationError as exc:
            problems.extend(exc.problems)
    enquirers = [dict(enq) for enq in enquirers or []]
    for i, enq in enumerate(enquirers):
        if not str(enq.get("name") or "").strip():
            problems.append(
                Problem(f"enquirers[{i}].name", "is required", enq.get("name"), "give the enquirer's name")
            )
        for key, check in (("phone", contacts.phone_problem), ("email", contacts.email_problem)):
            enq[key], problem = check(f"enquirers[{i}].{key}", str(enq.get(key) or ""))
            if problem is not None:
                problems.append(problem)
    if problems:
        raise ValidationError.from_problems(problems, "the case")
    case = MissingCase(person=person, created_by=_user(actor), **clean)
    case.reference = f"MC-{allocate('case')[0]:07d}"
    case.save(force_insert=True)
    for enq in enquirers or []:
        enquirer = Enquirer.objects.create(
            case=case,
            **{
                k: str(enq.get(k) or "").strip()
                for k in ("name", "relationship", "phone", "email", "address")
            },
        )
        # contacts stay out of the trail; their keyed digest lets `audit verify` find a changed row
        audit.record(
            actor=actor,
            action="create",
            obj=enquirer,
            object_repr=f"enquirer of {case.reference}",
            after=audit_withheld.withheld(audit.snapshot(enquirer), ENQUIRER_CONTACTS),
            reason=f"case opened for {person.reference}",
        )
    CaseTransition.objects.create(
        case=case, from_state="", to_state=CaseState.draft, actor=_user(actor), reason="case opened"
    )
    audit.record(
        actor=actor,
        action="create",
        obj=case,
        after=audit.snapshot(case),
        reason=f"case opened for {person.reference}",
    )
    if register:
        case = transition_case(
            actor=actor, case_id=case.pk, target=CaseState.registered.value, reason="registered on receipt"
        )
    _refresh_status(actor=actor, person=person, cause=None, reason="case opened")
    return case


_user = audit.user_or_none


@transaction.atomic
def transition_case(
    *, actor: Any, case_id: int, target: str, reason: str = "", expected_version: int | None = None
) -> MissingCase:
    case = by_id(
        MissingCase.objects.select_for_update().select_related("person"), case_id, what="case", field="case"
    )
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            f"{case.reference} changed since you opened it; nothing was saved",
            field="version",
            value=expected_version,
            hint="reload and try again",
        )
    try:
        new = CaseState(target)
    except ValueError:
        raise ValidationError(
            f"state: unknown case state {target!r}",
            field="state",
            value=target,
            hint="use one of: " + ", ".join(s.value for s in CaseState),
        ) from None
    current = CaseState(case.state)
    case_states.check_transition(current, new, reason=reason)
    CaseTransition.objects.create(
        case=case, from_state=current, to_state=new, actor=_user(actor), reason=reason
    )
    case.state = new.value
    case.version += 1
    case.save(update_fields=["state", "version"])
    audit.record(
        actor=actor,
        action="transition",
        obj=case,
        before={"state": current.value},
        after={"state": new.value},
        reason=reason,
    )
    _refresh_status(
        actor=actor, person=case.person, cause=None, reason=f"case {case.reference} → {new.value}"
    )
    return case


# --- status assertions -----------------------------------------------------------------------------


def _enum(cls: type, value: Any, field: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        raise ValidationError(
            f"{field}: unknown value {value!r}",
            field=field,
            value=value,
            hint="use one of: " + ", ".join(m.value for m in cls),
        ) from None


@transaction.atomic
def add_assertion(
    *,
    actor: Any,
    person: Person,
    status: str,
    source_type: str,
    source_name: str,
    source_date: date,
    reliability: str = "F",
    evidence: str = "",
) -> StatusAssertion:
    _check_purged(person)
    st = _enum(PersonStatus, status, "status")
    src = _enum(SourceType, source_type, "source_type")
    _enum(Reliability, reliability, "reliability")
    problems = []
    if not source_name.strip():
        problems.append(Problem("source_name", "is required", source_name, "name the list, body or document"))
    if source_date > timezone.localdate():
        problems.append(Problem("source_date", "is in the future", source_date.isoformat(), "check the date"))
    if problems:
        raise ValidationError.from_problems(problems, "the status claim")
    check_assertion(st, src)
    assertion = StatusAssertion.objects.create(
        person=person,
        status=st.value,
        source_type=src.value,
        source_name=source_name.strip(),
        source_date=source_date,
        reliability=reliability,
        evidence=evidence,
        submitted_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="create",
        obj=assertion,
        after=audit.snapshot(assertion),
        reason=f"status claim about {person.reference}",
    )
    return assertion


@transaction.atomic
def review_assertion(*, actor: Any, assertion_id: int, decision: str, note: str = "") -> StatusAssertion:
    assertion = by_id(
        StatusAssertion.objects.select_for_update().select_related("person"),
        assertion_id,
        what="status claim",
        field="assertion",
    )
    check_reviewer(
        actor,
        perm="registry.review_statusassertion",
        author_id=assertion.submitted_by_id,
        what="a status claim",
        made="submitted it",
        reviewer="an identification reviewer",
        verdict=decision,
        field="decision",
    )
    target = _enum(ReviewState, decision, "decision")
    current = ReviewState(assertion.review_state)
    check_review(current, target)
    if target is ReviewState.rejected and not note.strip():
        raise ValidationError(
            "note: a rejection needs a note saying why",
            field="note",
            value=note,
            hint="write why the claim is rejected",
        )
    AssertionReview.objects.create(
        assertion=assertion, from_state=current, to_state=target, reviewer=_user(actor), note=note
    )
    audit.record(
        actor=actor,
        action="review",
        obj=assertion,
        before={"review_state": current.value},
        after={"review_state": target.value},
        reason=note,
    )
    assertion.review_state = target.value
    assertion.save(update_fields=["review_state"])
    _refresh_status(actor=actor, person=assertion.person, cause=assertion, reason=f"claim {target.value}")
    return assertion


def _facts(person: Person) -> list[AssertionFact]:
    return [
        AssertionFact(
            status=PersonStatus(a.status),
            source_type=SourceType(a.source_type),
            source_date=a.source_date,
            reliability=Reliability(a.reliability),
            review_state=ReviewState(a.review_state),
            recorded_at=a.submitted,
        )
        for a in person.assertions.all()
    ]


def _refresh_status(*, actor: Any, person: Person, cause: StatusAssertion | None, reason: str) -> None:
    has_open_case = any(
        case_states.is_open(CaseState(s)) for s in person.cases.values_list("state", flat=True)
    )
    default = PersonStatus.missing if has_open_case else PersonStatus.unknown
    new = derive_status(_facts(person), default=default).value
    old = Person.objects.select_for_update().values_list("current_status", flat=True).get(pk=person.pk)
    person.current_status = old
    if new == old:
        return
    StatusChange.objects.create(
        person=person, from_status=old, to_status=new, actor=_user(actor), cause=cause, reason=reason
    )
    audit.record(
        actor=actor,
        action="status",
        obj=person,
        before={"current_status": old},
        after={"current_status": new},
        reason=reason,
    )
    Person.objects.filter(pk=person.pk).update(current_status=new)
    person.current_status = new


# --- purge -----------------------------------------------------------------------------------------


@transaction.atomic
def purge_person(*, actor: Any, person_id: int, reason: str) -> Person:
    """Replace a person's data by a placeholder (admin only, with a reason); refused while still sought."""
    person = by_id(Person.objects.select_for_update(), person_id, what="person", field="person")
    if actor is None or not actor.has_perm("registry.purge_person"):
        raise PermissionDenied(
            "only an administrator may purge a person record", field="person", value=person.reference
        )
    if not reason.strip():
        raise ValidationError(
            "reason: a purge needs a reason",
            field="reason",
            value=reason,
            hint="say why the record must be purged (e.g. court order, recorded in error)",
        )
    _check_purged(person)
    sought = [c.reference for c in person.cases.all() if case_states.is_open(CaseState(c.state))]
    if sought:
        raise StateError(
            f"{person.reference} is still sought in case(s) {', '.join(sought)}; it cannot be purged",
            field="person",
            value=person.reference,
            hint="close the case(s) first, with a reason",
        )
    before = person_snapshot(person)
    for f in PERSON_FIELDS:
        field = Person._meta.get_field(f)
        setattr(person, f, None if field.null else "")
    person.sex = "unknown"
    person.birth_from = person.birth_to = None
    person.purged = True
    person.version += 1
    blank = audit.snapshot(person)
    # the audit record first (the table accepts an UPDATE only right after it); the blanked fields are in
    # ``after`` so that ``audit verify`` can compare the row with its last audited state
    audit.record(
        actor=actor,
        action="purge",
        obj=person,
        before={"digest": digest(before)},
        after={k: v for k, v in blank.items() if before.get(k) != v} | {"purged": True},
        reason=reason,
    )
    person.save()
    NameForm.objects.filter(person=person).delete()
    NameForm.objects.create(
        person=person, family_name="[purged]", script="latin", language="en", kind="alias"
    )
    NameKey.objects.filter(person=person).delete()
    photos = list(person.photos.all())
    names = [p.image.name for p in photos if p.image]
    Photo.objects.filter(pk__in=[p.pk for p in photos]).delete()
    storage = Photo._meta.get_field("image").storage
    transaction.on_commit(lambda: [storage.delete(n) for n in names])  # files go only if the purge commits
    return person


def get_person(person_id: int) -> Person:
    person = by_id(Person, person_id, what="person", field="person")
    return person


_PHOTO_TYPES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


@transaction.atomic
def add_photo(*, actor: Any, person: Person, upload: Any, caption: str = "") -> Any:
    """Store a JPEG or PNG photo of a person (checked by its first bytes, not its name)."""
    from django.core.files.base import ContentFile

    _check_purged(person)
    head = upload.read(16)
    upload.seek(0)
    kind = next((v for magic, v in _PHOTO_TYPES.items() if head.startswith(magic)), None)
    if kind is None:
        raise ValidationError(
            "image: the file is not a JPEG or PNG picture",
            field="image",
            value=getattr(upload, "name", ""),
            hint="upload a .jpg or .png photo",
        )
    if upload.size > 10 * 1024 * 1024:
        raise ValidationError(
            "image: the photo is larger than 10 MB", field="image", value=upload.size, hint="resize the photo"
        )
    photo = Photo(person=person, caption=caption, content_type=kind[0], uploaded_by=_user(actor))
    photo.image.save(f"{person.reference}.{kind[1]}", ContentFile(upload.read()), save=False)
    photo.save()
    audit.record(
        actor=actor,
        action="create",
        obj=photo,
        after={"person": person.reference, "caption": caption, "file": photo.image.name},
    )
    return photo
