"""Every role × every page and API endpoint that holds sensitive data, read as that role (issue 10, item 1).

One person and one remains unit are seeded with distinctive synthetic values, each of which only some
roles may see. For every role of the code (``accounts.roles.Role``, with the permissions every app's
``roles.py`` grants it), every page and endpoint is fetched and its BODY is searched: each value
appears iff the role holds the permissions the value needs (and those of the page itself); a value an
endpoint never shows must not appear in it at all.

The expectations are written here from the permissions of the roles (what a role may see), not read
from ``homecoming.app.permissions`` — the test checks the pages against the roles, not against itself.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from homecoming.app.accounts.roles import Role, all_role_permissions
from homecoming.app.remains.models_handover import FamilyHandover

from .identification.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

PERSON = "person"
VIEW_PERSON = "registry.view_person"
CASES = "registry.view_missingcase"
CONTACTS = "registry.view_contacts"
DETENTIONS = "captivity.view_detentionrecord"
EVENTS = "captivity.view_detentionevent"
CARDS = "captivity.view_capturecard"
HEALTH = "captivity.view_health"
UNITS = "remains.view_remainsunit"
EXAM = "remains.view_examination_details"
SAMPLES = "remains.view_sample"
EFFECTS = "remains.view_personaleffect"
CUSTODY = "remains.view_custodyevent"
AUDIT = "audit.view_auditrecord"
MERGE = "registry.merge_person"
TRAIN = "registry.train_linkage_model"
# the form that trains the registry's linkage model (registrars and admins only)
TRAIN_FORM = 'action="/registry/linkage-model/train/"'

#: the seeded values and the permissions each needs (beyond those of the page that shows it)
NAME = "Зиновійко"  # the given name (family names are shown upper-cased)
CIRCUMSTANCES = "circ-Thistledown-8"
ENQUIRER = "Ярослава Ґудзь-Тестова"
ENQ_PHONE = "+380445550199"
ENQ_EMAIL = "enq.synth@example.invalid"
INTERNMENT = "INT-Q7731"
EVENT_DETAILS = "details-Heliotrope-552"
FAMILY_ADDRESS = "Family Addr Wrenfield 19"
CARD_HEALTH_PAGE = "slightly wounded"
CARD_HEALTH_API = "slightly_wounded"
HEALTH_TEXT = "report-Asphodel-fracture-31"
ART110_PAGE = "Art. 110(1)(1)"
ART110_API = "110_1_1"
CAUSE_OF_DEATH = "cod-Mandragora-3"
SAMPLE_DESC = "sample-desc-Gentian-5"
EFFECT_DESC = "effect-Saxifrage-2"
UNIT_SEAL = "SEAL-Verbena-6"
SAMPLE_SEAL = "SEAL-Tamarind-4"
ELIGIBILITY = "basis-Hellebore-seriously-wounded-9"  # a manifest line's basis of repatriation (Art. 110)
PROFILES = "genetics.view_profile"
GENOTYPES = "genetics.view_genotype"
FAMILIES = "genetics.view_referencefamily"
CONSENT = "genetics.view_consentevent"
# an allele as the laboratory wrote it (leading zero kept "as written": found nowhere else on a page)
ALLELE_WRITTEN = "044.2"
RELATIVE_NAME = "Relative-Foxglove-11"
CONSENT_NOTE = "consent-Larkspur-23"
VIEW_OPERATION = "exchanges.view_operation"
VIEW_MANIFEST = "exchanges.view_manifest"
LINK_LINES = "exchanges.add_linelink"  # link a manifest's claimed identities to the registry
# screening results (LRs, conclusions: never alleles)
RUNS = "identification.view_screeningrun"
CANDIDATES = "identification.view_screeningcandidate"
CONCLUSIONS = "identification.view_bodyconclusion"
REPORTS = "identification.view_comparisonreport"
NOTIFY = "identification.view_familynotification"
NOTIFY_CONTACTS = "identification.view_notificationcontact"
INFORMED = "Informed-Bergamot-13"  # the family member told of the death (family contact data)
HANDOVER = "remains.view_familyhandover"
RECEIVER = "Receiver-Mallow-8"  # the family member who received the remains
RECEIVER_PERM = "remains.view_handoverreceiver"  # who in the family received: family personal data
DOC_NUMBER = "DOC-Quince-41"  # the number of the receiver's identity document
# tracing requests from the family portal: the sought person, and the family's contacts
TR_VIEW = "tracing.view_tracingrequest"
TR_CONTACTS = "tracing.view_requestcontacts"
TR_GIVEN = "Всеволодар"  # the sought person's given name as the family wrote it
TR_CIRC = "trcirc-Juniper-7"
TR_PHONE = "+380445550777"
TR_EMAIL = "tr.family.synth@example.invalid"
TR_NOTE = "Телефонував мамі note-Tansy-17"  # an officer's casework note (a call, what the family said)
# the outbox of the families' messages: state and last error to liaisons; the text (a request's secret) and
# the full recipient to nobody
OUTBOX = "messaging.view_outboundmessage"
OUTBOX_ATTEMPTS = "messaging.view_messageattempt"
OUTBOX_ERROR = "gw-Bramble-5 busy"
OUTBOX_SECRET = "QRST-2345-6789"
OUTBOX_TO = "outbox.family.synth@example.invalid"
# the users (administrators only): a colleague's e-mail address, on the user pages and nowhere else
MANAGE_USERS = "accounts.manage_users"
STAFF_EMAIL = "staff.Wisteria-3@example.invalid"
USER_ADMIN_FORM = 'id="user-password-form"'  # the form that sets a temporary password

NEEDS: dict[str, set[str]] = {
    NAME: {VIEW_PERSON},
    CIRCUMSTANCES: {CASES},
    ENQUIRER: {CASES, CONTACTS},
    ENQ_PHONE: {CASES, CONTACTS},
    ENQ_EMAIL: {CASES, CONTACTS},
    INTERNMENT: {DETENTIONS},
    EVENT_DETAILS: {DETENTIONS, EVENTS},
    FAMILY_ADDRESS: {CARDS, CONTACTS},
    CARD_HEALTH_PAGE: {CARDS, HEALTH},
    CARD_HEALTH_API: {CARDS, HEALTH},
    HEALTH_TEXT: {DETENTIONS, HEALTH},
    ART110_PAGE: {HEALTH},
    ART110_API: {HEALTH},
    CAUSE_OF_DEATH: {EXAM},
    SAMPLE_DESC: {SAMPLES},
    EFFECT_DESC: {EFFECTS},
    UNIT_SEAL: {CUSTODY},
    SAMPLE_SEAL: {SAMPLES, CUSTODY},
    ELIGIBILITY: {HEALTH},
    ALLELE_WRITTEN: {PROFILES, GENOTYPES},
    RELATIVE_NAME: {FAMILIES},
    CONSENT_NOTE: {FAMILIES, CONSENT},
    INFORMED: {NOTIFY_CONTACTS},
    RECEIVER: {HANDOVER, RECEIVER_PERM},
    DOC_NUMBER: {HANDOVER, RECEIVER_PERM},
    TR_GIVEN: {TR_VIEW},
    TR_CIRC: {TR_VIEW},
    TR_PHONE: {TR_VIEW, TR_CONTACTS},
    TR_EMAIL: {TR_VIEW, TR_CONTACTS},
    TR_NOTE: {TR_VIEW, TR_CONTACTS},
    OUTBOX_ERROR: {OUTBOX},
    TRAIN_FORM: {TRAIN},
    STAFF_EMAIL: {MANAGE_USERS},
    USER_ADMIN_FORM: {MANAGE_USERS},
    OUTBOX_SECRET: set(),  # shown by no endpoint, whatever the role
    OUTBOX_TO: set(),
}
# values generated at seeding (references) are added to NEEDS by the fixture: the sample's and effect's


@dataclass
class Endpoint:
    name: str
    url: Callable[[dict[str, Any]], str]
    gate: set[str]
    shows: dict[str, set[str]] = field(default_factory=dict)  # value → extra permissions on this endpoint
    api: bool = False
    xlsx: bool = False  # the body is an XLSX file: its text is that of every part of the zip
    pdf: bool = False  # the body is a PDF: its text is what its pages draw, searched without white space
    only_if: bool = False  # values may be cut (the audit trail truncates): assert "not shown unless allowed"


def _shows(*values: str, extra: set[str] | None = None) -> dict[str, set[str]]:
    return {v: set(extra or ()) for v in values}


ENDPOINTS = [
    # pages
    # the dashboard: each role's own work lists (homecoming.app.dashboard), so a value may be left out
    # though the role may read it (only_if); a person's name (overdue cards, status claims) never shows
    # without the person; the liaison's queue names the report of a family to notify
    Endpoint(
        "dashboard",
        lambda s: "/",
        set(),
        {NAME: set(), "REPORT_REF": {"identification.change_familynotification"}},
        only_if=True,
    ),
    Endpoint(
        "person page",
        lambda s: f"/registry/persons/{s['person'].pk}/",
        {VIEW_PERSON},
        _shows(
            NAME,
            CIRCUMSTANCES,
            ENQUIRER,
            ENQ_PHONE,
            ENQ_EMAIL,
            INTERNMENT,
            EVENT_DETAILS,
            HEALTH_TEXT,
            ART110_PAGE,
        )
        | {ART110_PAGE: {DETENTIONS}},
    ),
    Endpoint(
        "capture card page",
        lambda s: f"/captivity/cards/{s['card'].pk}/",
        {CARDS},
        _shows(NAME, INTERNMENT, FAMILY_ADDRESS, CARD_HEALTH_PAGE),
    ),
    Endpoint("duplicates queue page", lambda s: "/registry/duplicates/", {VIEW_PERSON, MERGE}, _shows(NAME)),
    Endpoint("linkage model page", lambda s: "/registry/linkage-model/", {VIEW_PERSON}, _shows(TRAIN_FORM)),
    Endpoint("wounded list page", lambda s: "/captivity/wounded/", {HEALTH}, _shows(NAME, ART110_PAGE)),
    Endpoint(
        "remains unit page",
        lambda s: f"/remains/units/{s['unit'].pk}/",
        {UNITS},
        _shows(SAMPLE_DESC, UNIT_SEAL, "SAMPLE_REF", "EFFECT_REF", "PROFILE_REF"),
    ),
    Endpoint(
        "examination page", lambda s: f"/remains/examinations/{s['exam'].pk}/", {EXAM}, _shows(CAUSE_OF_DEATH)
    ),
    Endpoint(
        "sample page",
        lambda s: f"/remains/samples/{s['sample'].pk}/",
        {SAMPLES, CUSTODY},
        _shows(SAMPLE_DESC, SAMPLE_SEAL, "SAMPLE_REF", "PROFILE_REF"),
    ),
    Endpoint(
        "effect page",
        lambda s: f"/remains/effects/{s['effect'].pk}/",
        {EFFECTS, CUSTODY},
        _shows(EFFECT_DESC, "EFFECT_REF"),
    ),
    Endpoint(
        "audit trail page",
        lambda s: "/audit/",
        {AUDIT},
        _shows(
            NAME, CIRCUMSTANCES, INTERNMENT, EVENT_DETAILS, UNIT_SEAL, SAMPLE_SEAL, "SAMPLE_REF", "EFFECT_REF"
        )
        | {SAMPLE_DESC: set(), EFFECT_DESC: set(), CAUSE_OF_DEATH: set()}
        | _shows(RELATIVE_NAME, CONSENT_NOTE, TR_GIVEN, TR_CIRC),
        only_if=True,
    ),
    # a line linked to the registry shows whom it is said to be (the person's name) to those who see persons
    Endpoint(
        "operation page",
        lambda s: f"/exchanges/operations/{s['operation'].pk}/",
        {VIEW_OPERATION},
        _shows(ELIGIBILITY, NAME),
    ),
    # the registered persons an unlinked line's claim may be, for the coordinator to choose
    Endpoint(
        "manifest link page",
        lambda s: f"/exchanges/versions/{s['version'].pk}/link/",
        {LINK_LINES, VIEW_PERSON},
        _shows(NAME),
    ),
    Endpoint(
        "manifest CSV export page",
        lambda s: f"/exchanges/versions/{s['version'].pk}/export.csv",
        {VIEW_MANIFEST},
        _shows(ELIGIBILITY),
    ),
    Endpoint(
        "manifest XLSX export page",
        lambda s: f"/exchanges/versions/{s['version'].pk}/export.xlsx",
        {VIEW_MANIFEST},
        _shows(ELIGIBILITY),
        xlsx=True,
    ),
    # the overview opens for profiles, families or frequency tables: every role with one has profiles
    Endpoint("genetics overview page", lambda s: "/genetics/", {PROFILES}, {}),
    Endpoint(
        "profile list page", lambda s: "/genetics/profiles/", {PROFILES}, _shows("PROFILE_REF", "SAMPLE_REF")
    ),
    Endpoint(
        "profile page",
        lambda s: f"/genetics/profiles/{s['profile'].pk}/",
        {PROFILES},
        _shows("PROFILE_REF", "SAMPLE_REF", ALLELE_WRITTEN),
    ),
    Endpoint(
        "lab file page",
        lambda s: f"/genetics/lab-files/{s['profile'].lab_file_id}/",
        {"genetics.view_labfile"},
        {"PROFILE_REF": {PROFILES}, "SAMPLE_REF": {PROFILES}},
    ),
    Endpoint("family list page", lambda s: "/genetics/families/", {FAMILIES}, {}),
    Endpoint(
        "family page",
        lambda s: f"/genetics/families/{s['family'].pk}/",
        {FAMILIES},
        _shows(RELATIVE_NAME, CONSENT_NOTE),
    ),
    Endpoint("screening batches page", lambda s: "/identification/batches/", {RUNS}, {}),
    Endpoint(
        "batch identification page",
        lambda s: f"/identification/batches/{s['unit'].batch_id}/?run={s['run'].pk}",
        {RUNS, CANDIDATES},
        _shows("PROFILE_REF"),
    ),
    # the user pages: administrators only
    Endpoint("users page", lambda s: "/accounts/users/", {MANAGE_USERS}, _shows(STAFF_EMAIL)),
    Endpoint("new user page", lambda s: "/accounts/users/new/", {MANAGE_USERS}, {}),
    Endpoint(
        "user page",
        lambda s: f"/accounts/users/{s['staff'].pk}/",
        {MANAGE_USERS},
        _shows(STAFF_EMAIL, USER_ADMIN_FORM),
    ),
    # API
    Endpoint("GET users", lambda s: "/accounts/users", {MANAGE_USERS}, _shows(STAFF_EMAIL), api=True),
    Endpoint(
        "GET user",
        lambda s: f"/accounts/users/{s['staff'].pk}",
        {MANAGE_USERS},
        _shows(STAFF_EMAIL),
        api=True,
    ),
    Endpoint(
        "GET screening run", lambda s: f"/identification/screenings/{s['run'].pk}", {RUNS}, {}, api=True
    ),
    Endpoint(
        "GET screening candidates",
        lambda s: f"/identification/screenings/{s['run'].pk}/candidates",
        {RUNS, CANDIDATES, CONCLUSIONS},
        _shows("PROFILE_REF"),
        api=True,
    ),
    Endpoint(
        "GET profile",
        lambda s: f"/genetics/profiles/{s['profile'].pk}",
        {PROFILES},
        _shows("PROFILE_REF", "SAMPLE_REF", ALLELE_WRITTEN),
        api=True,
    ),
    Endpoint(
        "GET profiles",
        lambda s: "/genetics/profiles",
        {PROFILES},
        _shows("PROFILE_REF", "SAMPLE_REF"),
        api=True,
    ),
    Endpoint(
        "GET family",
        lambda s: f"/genetics/families/{s['family'].pk}",
        {FAMILIES},
        _shows(RELATIVE_NAME, CONSENT_NOTE),
        api=True,
    ),
    Endpoint(
        "GET manifests",
        lambda s: f"/exchanges/operations/{s['operation'].pk}/manifests",
        {VIEW_MANIFEST},
        _shows(ELIGIBILITY),
        api=True,
    ),
    Endpoint(
        "GET manifest CSV export",
        lambda s: f"/exchanges/versions/{s['version'].pk}/export?fmt=csv",
        {VIEW_MANIFEST},
        _shows(ELIGIBILITY),
        api=True,
    ),
    Endpoint(
        "GET manifest XLSX export",
        lambda s: f"/exchanges/versions/{s['version'].pk}/export?fmt=xlsx",
        {VIEW_MANIFEST},
        _shows(ELIGIBILITY),
        api=True,
        xlsx=True,
    ),
    Endpoint("GET person", lambda s: f"/persons/{s['person'].pk}", {VIEW_PERSON}, _shows(NAME), api=True),
    Endpoint("GET duplicates", lambda s: "/duplicates", {VIEW_PERSON, MERGE}, _shows(NAME), api=True),
    Endpoint("GET linkage model", lambda s: "/registry/linkage-model", {VIEW_PERSON}, {}, api=True),
    Endpoint(
        "GET case",
        lambda s: f"/cases/{s['case'].pk}",
        {CASES},
        _shows(CIRCUMSTANCES, ENQUIRER, ENQ_PHONE, ENQ_EMAIL),
        api=True,
    ),
    Endpoint(
        "GET person detentions",
        lambda s: f"/persons/{s['person'].pk}/detentions",
        {DETENTIONS},
        _shows(INTERNMENT, EVENT_DETAILS),
        api=True,
    ),
    Endpoint(
        "GET detention",
        lambda s: f"/detentions/{s['detention'].pk}",
        {DETENTIONS},
        _shows(INTERNMENT, EVENT_DETAILS),
        api=True,
    ),
    Endpoint(
        "GET card",
        lambda s: f"/cards/{s['card'].pk}",
        {CARDS},
        _shows(NAME, INTERNMENT, FAMILY_ADDRESS, CARD_HEALTH_API),
        api=True,
    ),
    Endpoint("GET wounded list", lambda s: "/wounded-list", {HEALTH}, _shows(NAME, ART110_API), api=True),
    Endpoint(
        "GET unit",
        lambda s: f"/remains/units/{s['unit'].pk}",
        {UNITS},
        _shows("SAMPLE_REF", "EFFECT_REF"),
        api=True,
    ),
    Endpoint(
        "GET unit custody",
        lambda s: f"/remains/units/{s['unit'].pk}/custody",
        {CUSTODY},
        _shows(UNIT_SEAL),
        api=True,
    ),
    Endpoint(
        "GET examination",
        lambda s: f"/remains/examinations/{s['exam'].pk}",
        {EXAM},
        _shows(CAUSE_OF_DEATH),
        api=True,
    ),
    Endpoint(
        "GET sample",
        lambda s: f"/remains/samples/{s['sample'].pk}",
        {SAMPLES, CUSTODY},
        _shows(SAMPLE_DESC, "SAMPLE_REF"),
        api=True,
    ),
    Endpoint(
        "GET sample custody",
        lambda s: f"/remains/samples/{s['sample'].pk}/custody",
        {SAMPLES, CUSTODY},
        _shows(SAMPLE_SEAL, "SAMPLE_REF"),
        api=True,
    ),
    Endpoint(
        "GET effect",
        lambda s: f"/remains/effects/{s['effect'].pk}",
        {EFFECTS},
        _shows(EFFECT_DESC, "EFFECT_REF"),
        api=True,
    ),
    # comparison reports (likelihood ratios, never alleles) and the families to notify (no DNA at all)
    Endpoint("reports page", lambda s: "/identification/reports/", {REPORTS}, _shows(NAME, "REPORT_REF")),
    Endpoint(
        "report page",
        lambda s: f"/identification/reports/{s['report'].pk}/",
        {REPORTS},
        _shows(NAME, "REPORT_REF"),
    ),
    Endpoint(
        "families to notify page", lambda s: "/identification/notify/", {NOTIFY}, _shows(NAME, "REPORT_REF")
    ),
    Endpoint(
        "GET report",
        lambda s: f"/identification/reports/{s['report'].pk}",
        {REPORTS},
        _shows("REPORT_REF"),
        api=True,
    ),
    Endpoint("GET reports", lambda s: "/identification/reports", {REPORTS}, _shows("REPORT_REF"), api=True),
    # tracing requests (the liaison's queue): contacts only with their own permission
    Endpoint("tracing queue page", lambda s: "/tracing/requests/", {TR_VIEW}, _shows(TR_GIVEN)),
    Endpoint(
        "tracing request page",
        lambda s: f"/tracing/requests/{s['tracing'].pk}/",
        {TR_VIEW},
        _shows(NAME, TR_GIVEN, TR_CIRC, TR_PHONE, TR_EMAIL, TR_NOTE),
    ),
    Endpoint("GET tracing requests", lambda s: "/tracing/requests", {TR_VIEW}, _shows(TR_GIVEN), api=True),
    Endpoint(
        "GET tracing request",
        lambda s: f"/tracing/requests/{s['tracing'].pk}",
        {TR_VIEW},
        _shows(TR_GIVEN, TR_CIRC, TR_PHONE, TR_EMAIL, TR_NOTE),
        api=True,
    ),
    Endpoint(
        "notification page (contacts)",
        lambda s: f"/identification/notify/{s['notification'].pk}/",
        {NOTIFY},
        _shows(NAME, "REPORT_REF", INFORMED),
    ),
    Endpoint(
        "GET notification (contacts)",
        lambda s: f"/identification/notifications/{s['notification'].pk}",
        {NOTIFY},
        _shows(NAME, "REPORT_REF", INFORMED),
        api=True,
    ),
    Endpoint(
        "notification record (print view)",
        lambda s: f"/identification/notify/{s['notification'].pk}/print/?lang=en",
        {NOTIFY, NOTIFY_CONTACTS},
        _shows(NAME, "REPORT_REF", INFORMED),
    ),
    Endpoint(
        "notification record PDF page",
        lambda s: f"/identification/notify/{s['notification'].pk}/record.pdf?lang=ru",
        {NOTIFY, NOTIFY_CONTACTS},
        _shows(NAME, "REPORT_REF", INFORMED),
        pdf=True,
    ),
    Endpoint(
        "GET notification record PDF",
        lambda s: f"/identification/notifications/{s['notification'].pk}/pdf?lang=uk",
        {NOTIFY, NOTIFY_CONTACTS},
        _shows(NAME, "REPORT_REF", INFORMED),
        api=True,
        pdf=True,
    ),
    Endpoint("outbox page", lambda s: "/messaging/outbox/", {OUTBOX}, _shows(OUTBOX_ERROR)),
    Endpoint(
        "outbox message page",
        lambda s: f"/messaging/outbox/{s['message'].pk}/",
        {OUTBOX, OUTBOX_ATTEMPTS},
        _shows(OUTBOX_ERROR),
    ),
    Endpoint("GET outbox", lambda s: "/messaging/messages", {OUTBOX}, _shows(OUTBOX_ERROR), api=True),
    Endpoint(
        "GET outbox message",
        lambda s: f"/messaging/messages/{s['message'].pk}",
        {OUTBOX},
        _shows(OUTBOX_ERROR),
        api=True,
    ),
    Endpoint(
        "handovers to the family page",
        lambda s: "/remains/family-handovers/",
        {HANDOVER},
        _shows(NAME),
    ),
    Endpoint(
        "handover to the family page",
        lambda s: f"/remains/family-handovers/{s['handover'].pk}/",
        {HANDOVER},
        {NAME: set(), RECEIVER: set(), DOC_NUMBER: set(), "REPORT_REF": {NOTIFY}},
    ),
    Endpoint(
        "handover record print page",
        lambda s: f"/remains/family-handovers/{s['handover'].pk}/print/?lang=en",
        {HANDOVER},
        {NAME: set(), RECEIVER: set(), DOC_NUMBER: set(), "REPORT_REF": {NOTIFY}},
    ),
    Endpoint(
        "handover record PDF page",
        lambda s: f"/remains/family-handovers/{s['handover'].pk}/handover.pdf?lang=ru",
        {HANDOVER},
        {NAME: set(), RECEIVER: set(), DOC_NUMBER: set(), "REPORT_REF": {NOTIFY}},
        pdf=True,
    ),
    Endpoint(
        "GET handover record PDF",
        lambda s: f"/remains/family-handovers/{s['handover'].pk}/pdf?lang=uk",
        {HANDOVER},
        {NAME: set(), RECEIVER: set(), DOC_NUMBER: set(), "REPORT_REF": {NOTIFY}},
        api=True,
        pdf=True,
    ),
    Endpoint(
        "GET handover to the family",
        lambda s: f"/remains/family-handovers/{s['handover'].pk}",
        {HANDOVER},
        {NAME: set(), RECEIVER: set(), DOC_NUMBER: set(), "REPORT_REF": {NOTIFY}},
        api=True,
    ),
    Endpoint(
        "GET families to notify",
        lambda s: "/identification/notifications",
        {NOTIFY},
        _shows(NAME, "REPORT_REF"),
        api=True,
    ),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(make_user: Callable[..., Any]) -> dict[str, Any]:
    """One person with a case, an enquirer, a detention, an event, a card, a health report and an Art. 110
    finding; one remains unit with a custody seal, an examination, a sample and a personal effect."""
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry
    from homecoming.app.remains import examinations
    from homecoming.app.remains import services as remains

    registrar = make_user("registrar", "seed-registrar")
    examiner = make_user("forensic_examiner", "seed-examiner")
    coordinator = make_user("exchange_coordinator", "seed-coordinator")
    person = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1990-05", "power": "UA"},
        names=[{"family_name": "Квітковаренко", "given_name": NAME}],
    )
    # a likely duplicate (the name in Latin letters, the same birth month): the duplicates queue shows both,
    # as a pair the linkage model stored when an import registered it
    latin = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1990-05"},
        names=[{"family_name": "Kvitkovarenko", "given_name": "Zynoviiko"}],
    )
    from homecoming.app.registry.models import PossibleDuplicate

    PossibleDuplicate.objects.create(
        person=latin,
        other=person,
        probability=0.8,
        evidence=[["surname", "same key", 9.0], ["given_name", "same key or equivalent", 5.0]],
        source="import of seed.csv, row 2",
    )
    case = registry.open_case(
        actor=registrar,
        person=person,
        data={"circumstances": CIRCUMSTANCES},
        enquirers=[{"name": ENQUIRER, "relationship": "sister", "phone": ENQ_PHONE, "email": ENQ_EMAIL}],
    )
    captured = timezone.localdate() - timedelta(days=60)
    detention = captivity.create_detention(
        actor=registrar,
        person=person,
        data={"detaining_power": "RU", "capture_date": captured, "internment_number": INTERNMENT},
    )
    captivity.add_event(
        actor=registrar,
        record_id=detention.pk,
        kind="registration",
        on=captured + timedelta(days=1),
        details=EVENT_DETAILS,
    )
    card = captivity.create_card(
        actor=registrar,
        record_id=detention.pk,
        data={"family_address": FAMILY_ADDRESS, "health": CARD_HEALTH_API, "card_date": captured},
    )
    captivity.add_health_report(
        actor=registrar,
        record_id=detention.pk,
        on=captured + timedelta(days=2),
        condition="improving",
        report=HEALTH_TEXT,
    )
    captivity.set_eligibility(
        actor=coordinator,
        record_id=detention.pk,
        data={
            "category": ART110_API,
            "finding": "eligible",
            "consent": "given",
            "commission_date": captured + timedelta(days=3),
        },
    )
    batch = remains.create_batch(
        actor=examiner,
        data={
            "source": "recovery",
            "transport": "train",
            "receiving_facility": "Facility North",
            "handed_over_by": "Sender",
            "received_by": "Morgue North",
            "received_at": timezone.now() - timedelta(days=2),
        },
    )
    unit = remains.register_unit(
        actor=examiner, batch=batch, seal=UNIT_SEAL, data={"bag_number": "BAG-77", "kind": "body"}
    )
    exam = examinations.record_examination(
        actor=examiner, unit=unit, data={"cause_of_death": CAUSE_OF_DEATH, "place": "Hall 1"}
    )
    sample = examinations.take_sample(
        actor=examiner,
        unit=unit,
        kind="bone",
        description=SAMPLE_DESC,
        custody_data={"seal_after": SAMPLE_SEAL},
    )
    effect = examinations.add_effect(actor=examiner, unit=unit, kind="document", description=EFFECT_DESC)
    operation, version = _seed_manifest(coordinator, person)
    profile, family = _seed_genetics(make_user, person, sample)
    run = _seed_screening(make_user, unit)
    report = _seed_report(person, unit, family)
    tracing = _seed_tracing()
    from homecoming.app.tracing import services as tracing_services

    liaison = get_user_model().objects.get(username="seed-liaison")
    tracing_services.add_note(actor=liaison, request_id=tracing.pk, text=TR_NOTE)
    from homecoming.app.accounts import services as accounts

    staff = accounts.create_user(
        username="seed-staff", password="x", role=Role.registrar, email=STAFF_EMAIL, check_password=False
    )
    return {
        "staff": staff,
        "tracing": tracing,
        "message": _seed_message(tracing),
        "run": run,
        "operation": operation,
        "version": version,
        "person": person,
        "case": case,
        "detention": detention,
        "card": card,
        "unit": unit,
        "exam": exam,
        "sample": sample,
        "effect": effect,
        "SAMPLE_REF": sample.reference,
        "EFFECT_REF": effect.reference,
        "profile": profile,
        "PROFILE_REF": profile.reference,
        "family": family,
        "report": report,
        "REPORT_REF": report.reference,
        "notification": report.notification,
        "handover": FamilyHandover.objects.get(),
    }


_LOCUS = (
    "<LOCUS><LOCUSNAME>{name}</LOCUSNAME><READINGBY>a1</READINGBY><READINGDATETIME>2026-05-03T16:00:00"
    "</READINGDATETIME><ALLELE><ALLELEVALUE>{a}</ALLELEVALUE></ALLELE>"
    "<ALLELE><ALLELEVALUE>{b}</ALLELEVALUE></ALLELE></LOCUS>"
)
_CMF = (
    '<?xml version="1.0" encoding="UTF-8"?><CODISImportFile xmlns="urn:CODISImportFile-schema">'
    "<HEADERVERSION>3.2</HEADERVERSION><MESSAGETYPE>Import</MESSAGETYPE><DESTINATIONORI>HCLAB0001"
    "</DESTINATIONORI><SOURCELAB>LAB</SOURCELAB><SUBMITBYUSERID>a1</SUBMITBYUSERID><SUBMITDATETIME>"
    "2026-05-04T10:30:00</SUBMITDATETIME><KIT>GlobalFiler</KIT><SPECIMEN><SPECIMENID>SPECIMEN_ID</SPECIMENID>"
    "<SPECIMENCATEGORY>Unidentified Person</SPECIMENCATEGORY>"
    + _LOCUS.format(name="D3S1358", a="15", b="17")
    + _LOCUS.format(name="TH01", a="6", b="9.3")
    + _LOCUS.format(name="FGA", a="22", b=ALLELE_WRITTEN)
    + "</SPECIMEN></CODISImportFile>"
)


def _seed_genetics(make_user: Callable[..., Any], person: Any, sample: Any) -> tuple[Any, Any]:
    """A DNA profile on the sample (an allele written with a leading zero) and a reference family for the
    person: a father with a reference sample, and consent with a note."""
    from homecoming.app.genetics import families, family_records
    from homecoming.app.genetics.importing import import_lab_file
    from homecoming.app.genetics.models import Profile

    analyst = make_user("dna_analyst", "seed-analyst")
    liaison = make_user("family_liaison", "seed-liaison")
    family = families.create_family(actor=liaison, persons=[person.pk])
    father = families.add_relative(
        actor=liaison, family=family, relation="father", display_name=RELATIVE_NAME
    )
    family_records.record_sample(actor=liaison, member=father, lab_reference="LAB-REF-F1")
    family_records.record_consent(
        actor=liaison, family=family, scope="domestic", action="given", on=date(2026, 1, 5), note=CONSENT_NOTE
    )
    data = _CMF.replace("SPECIMEN_ID", sample.reference).encode()
    import_lab_file(actor=analyst, data=data, name="seed.xml", format="cmf")
    return Profile.objects.get(sample=sample), family


def _seed_screening(make_user: Callable[..., Any], unit: Any) -> Any:
    """The unit's batch screened against the families in scope (run by the job, in this process)."""
    from homecoming.app.identification import screening, screening_pipeline

    run = screening.start_run(actor=make_user("dna_analyst", "seed-screener"), batch=unit.batch)
    screening_pipeline.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def _seed_report(person: Any, unit: Any, family: Any) -> Any:
    """A signed identification of the unit as the person (stored rows as the services leave them: the
    evidence holds likelihood ratios only) and its family to notify."""
    from homecoming.app.identification.models_reports import (
        ComparisonReport,
        FamilyNotification,
        ReportEvidence,
    )

    report = ComparisonReport.objects.create(
        reference="CR-0000042", kind="IDEN", state="identified", unit=unit, family=family, person=person
    )
    data = {
        "lr": "1e9",
        "log10_lr": "9.0",
        "per_marker": [{"marker": "FGA", "lr": "12.5"}],
        "posterior": "1.0",
    }
    ReportEvidence.objects.create(
        report=report, number=1, lr="1e9", log10_lr="9.0", posterior="1.0", data=data
    )
    notification = FamilyNotification.objects.create(report=report, family=family, person=person)

    from homecoming.app.identification.models_notifications import NotificationContact

    NotificationContact.objects.create(
        notification=notification,
        number=1,
        purpose="notification",
        method="other",
        at=timezone.now(),
        informed_name=INFORMED,
        informed_relation="sister",
        recorded_by=get_user_model().objects.get(username="seed-liaison"),
    )
    FamilyHandover.objects.create(
        reference="FH-2026-000042-00",
        person=person,
        report_reference=report.reference,
        receiver_name=RECEIVER,
        receiver_relation="brother",
        id_document_type="passport",
        id_document_number=DOC_NUMBER,
        handed_at=timezone.now(),
        place="Morgue (synthetic)",
        officer=get_user_model().objects.get(username="seed-liaison"),
        officer_name="seed-liaison",
        signature_hash="0" * 64,
    )
    return report


def _seed_tracing() -> Any:
    """A family's tracing request about the seeded person (same surname): the person is a candidate."""
    from homecoming.app.tracing import portal

    data = {
        "enquirer_name": "Родина Тестова",
        "enquirer_relationship": "мати",
        "enquirer_phone": TR_PHONE,
        "enquirer_email": TR_EMAIL,
        "family_name": "Квітковаренко",
        "given_name": TR_GIVEN,
        "birth_date": "1990",
        "circumstances": TR_CIRC,
    }
    return portal.submit(data=data, language="uk").request


def _seed_message(tracing: Any) -> Any:
    """A code-and-secret e-mail to the family in the outbox, waiting after a refusal (its last error)."""
    from homecoming.app.messaging import services as outbox
    from homecoming.app.messaging.models import OutboundMessage

    message = outbox.queue(
        channel="email",
        purpose="request_code",
        recipient=OUTBOX_TO,
        language="uk",
        values={"code": "ABCDE-23456", "secret": OUTBOX_SECRET, "status_url": "http://testserver/family/"},
        tracing_request_id=tracing.pk,
    )
    OutboundMessage.objects.filter(pk=message.pk).update(attempts=1, last_error=OUTBOX_ERROR)
    return message


def _seed_manifest(coordinator: Any, person: Any) -> tuple[Any, Any]:
    """An exchange of prisoners whose manifest line gives the basis of repatriation (health data); two
    lines said to be the person, one linked to the registry."""
    from homecoming.app.exchanges import services as exchanges
    from homecoming.app.exchanges.manifests import add_manifest_version
    from homecoming.app.exchanges.models import LineLink
    from homecoming.io.manifests import ManifestRow

    exchanges.ensure_party(actor=coordinator, code="UA", name="Ukraine")
    exchanges.ensure_party(actor=coordinator, code="RU", name="Russia")
    agreement = exchanges.create_agreement(
        actor=coordinator,
        data={
            "reference": "AG-M",
            "title": "Synthetic",
            "party_a": "UA",
            "party_b": "RU",
            "date": date(2025, 6, 2),
        },
    )
    exchanges.add_category(
        actor=coordinator,
        agreement=agreement,
        data={"code": "wounded", "name": "Wounded", "rule": "all_for_all", "unit": "prisoners"},
    )
    operation = exchanges.create_operation(
        actor=coordinator,
        data={
            "reference": "OP-M",
            "kind": "prisoner_exchange",
            "agreement": agreement.pk,
            "date": date(2025, 6, 3),
            "date_qualifier": "exact",
        },
    )
    # lines 2 and 3 claim the seeded person in Latin letters (the claim is no secret; the registry's
    # Cyrillic name is): line 2 is linked to the person, line 3 waits for the coordinator to link it
    said_to_be = {
        "category": "wounded",
        "claimed_name": "KVITKOVARENKO Zynoviiko",
        "claimed_birth_date": "1990-05",
    }
    version = add_manifest_version(
        actor=coordinator,
        operation=operation,
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=[
            ManifestRow(
                line_no=1, category="wounded", claimed_identity="ID-1", eligibility_basis=ELIGIBILITY
            ),
            ManifestRow(line_no=2, **said_to_be),
            ManifestRow(line_no=3, **said_to_be),
        ],
    )
    LineLink.objects.create(line=version.lines.get(line_no=2), person=person, probability=0.999)
    return operation, version


def _needs(value: str) -> set[str]:
    refs = {"SAMPLE_REF": {SAMPLES}, "EFFECT_REF": {EFFECTS}, "PROFILE_REF": {PROFILES}}
    return NEEDS.get(value, refs.get(value, set()))


def _granted(role: Role) -> set[str] | None:
    """The role's permissions as the code declares them; None for the admin (a superuser: everything)."""
    return None if role is Role.admin else set(all_role_permissions()[role])


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_page_and_endpoint_shows_a_value_iff_the_role_may_see_it(
    role: Role, seeded: dict[str, Any], make_user: Callable[..., Any], api: Callable[[Any], Any]
) -> None:
    user = make_user(role.value, f"matrix-{role.value}")
    page = Client()
    page.force_login(user)
    token = api(user)
    granted = _granted(role)

    def holds(perms: set[str]) -> bool:
        return granted is None or perms <= granted

    every_value = [*NEEDS, "SAMPLE_REF", "EFFECT_REF", "PROFILE_REF", "REPORT_REF"]
    wrong: list[str] = []
    for ep in ENDPOINTS:
        url = ep.url(seeded)
        response = token.get("/api/v1" + url) if ep.api else page.get(url)
        if ep.xlsx and response.status_code == 200:
            with zipfile.ZipFile(io.BytesIO(response.content)) as z:
                body = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        elif ep.pdf and response.status_code == 200:
            assert response["Content-Type"] == "application/pdf", ep.name
            body = re.sub(r"\s+", "", pdf_text(response.content))
        else:
            body = response.content.decode("utf-8")
        if ep.api and not ep.xlsx and response.status_code == 200 and "json" in response["Content-Type"]:
            body = json.dumps(response.json(), ensure_ascii=False)
        if not holds(ep.gate):
            if response.status_code != 403:
                wrong.append(
                    f"{ep.name}: {response.status_code}, expected 403 (lacks {ep.gate - (granted or set())})"
                )
            continue
        if response.status_code != 200:
            wrong.append(f"{ep.name}: {response.status_code}, expected 200")
            continue
        for key in every_value:
            text = (
                seeded.get(key, key)
                if key in ("SAMPLE_REF", "EFFECT_REF", "PROFILE_REF", "REPORT_REF")
                else key
            )
            shown = (re.sub(r"\s+", "", text) if ep.pdf else text) in body
            allowed = key in ep.shows and holds(_needs(key) | ep.shows[key])
            if shown and not allowed:
                wrong.append(f"{ep.name} shows {key} ({text!r}) though the role may not see it")
            elif allowed and not shown and not ep.only_if:
                wrong.append(f"{ep.name} does not show {key} ({text!r}) though the role may see it")
    assert not wrong, f"role {role.value}:\n" + "\n".join(wrong)


# --- the identification report (print view, PDF page, PDF from the API) ----------------------------------

REPORTS = "identification.view_comparisonreport"


@pytest.fixture
def signed_report(make_user: Callable[..., Any]) -> dict[str, Any]:
    """A signed identification report: a body that is the son of a typed father and brother of a typed
    sister (report_world's synthetic trio)."""
    from homecoming.app.identification import reports
    from homecoming.app.registry import services as registry

    from .identification import report_world as w

    person = registry.create_person(
        actor=make_user("registrar", "r-registrar"),
        data={"sex": "male", "birth_date": "1990-05", "power": "UA"},
        names=[{"family_name": "Тестенко", "given_name": NAME}],
    )
    analyst, reviewer = (
        make_user("dna_analyst", "r-analyst"),
        make_user("identification_reviewer", "r-reviewer"),
    )
    genos = w.trio()
    w.family(make_user("family_liaison", "r-liaison"), person, genos)
    unit = w.body(make_user("forensic_examiner", "r-examiner"), genos["body"], bag="BAG-R1")
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    return {"report": reports.get_report(report.pk), "genos": genos}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_the_identification_report_shows_genotypes_names_and_pedigree_iff_the_role_may_see_them(
    role: Role, signed_report: dict[str, Any], make_user: Callable[..., Any], api: Callable[[Any], Any]
) -> None:
    user = make_user(role.value, f"report-{role.value}")
    granted = _granted(role)

    def holds(*perms: str) -> bool:
        return granted is None or set(perms) <= granted

    report = signed_report["report"]
    page = Client()
    page.force_login(user)
    printed = page.get(f"/identification/reports/{report.pk}/print/?lang=en")
    pdf = page.get(f"/identification/reports/{report.pk}/report.pdf?lang=uk")
    from_api = api(user).get(f"/api/v1/identification/reports/{report.pk}/pdf?lang=en")
    if not holds(REPORTS):
        assert (printed.status_code, pdf.status_code, from_api.status_code) == (403, 403, 403)
        assert b"%PDF" not in pdf.content and b"%PDF" not in from_api.content
        return
    assert (printed.status_code, pdf.status_code, from_api.status_code) == (200, 200, 200)
    for got in (pdf, from_api):
        assert got["Content-Type"] == "application/pdf" and got.content.startswith(b"%PDF-")
        assert got.content.rstrip().endswith(b"%%EOF") and b"/FlateDecode" in got.content
    body = printed.content.decode()
    th01 = "/".join(signed_report["genos"]["body"]["TH01"])
    expected = {
        "the per-marker LR": (report.evidence.data["per_marker"][0]["lr"], True),
        "the body's TH01 genotype": (f'<td class="geno">{th01}</td>', holds(GENOTYPES)),
        "any genotype cell": ('class="geno"', holds(GENOTYPES)),
        "the person's name": (NAME, holds(VIEW_PERSON)),
        "the pedigree": ('id="pedigree"', holds(FAMILIES)),
    }
    wrong = [
        f"{what} {'missing' if allowed else 'shown'}"
        for what, (text, allowed) in expected.items()
        if (text in body) != allowed
    ]
    from django.utils import translation

    from homecoming.app.identification import numbers

    from .identification.pdf_text import pdf_text

    for name, got, lang in (("PDF page", pdf, "uk"), ("API PDF", from_api, "en")):
        flat = re.sub(r"\s+", "", pdf_text(got.content))
        with translation.override(lang):  # the PDF shows it rounded, in its language
            marker_lr = re.sub(r"\s+", "", numbers.lr(report.evidence.data["per_marker"][0]["lr"]))
        in_pdf = {
            "the per-marker LR": (marker_lr, True),
            "the body's TH01 genotype": (f"TH01{th01}", holds(GENOTYPES)),
            "the person's name": (NAME, holds(VIEW_PERSON)),
        }
        wrong += [
            f"{name}: {what} {'missing' if allowed else 'shown'}"
            for what, (text, allowed) in in_pdf.items()
            if (text in flat) != allowed
        ]
    assert not wrong, f"role {role.value}: " + ", ".join(wrong)


def test_only_the_senior_reviewer_may_override_a_rule_and_holds_all_the_reviewer_holds() -> None:
    """Overriding a failed report rule is for the senior identification reviewer (and the administrator,
    a superuser); the senior holds every permission of the identification reviewer, and that one more."""
    perms = {role: set(p) for role, p in all_role_permissions().items()}
    senior, reviewer = Role.senior_identification_reviewer, Role.identification_reviewer
    assert perms[senior] - perms[reviewer] == {"identification.override_rule"}
    assert perms[reviewer] <= perms[senior]
    assert [r for r in Role if "identification.override_rule" in perms[r]] == [senior]
