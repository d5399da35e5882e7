"""The registry's linkage model as users meet it (issue 14): its page (provenance, weights in a chart and a
table, earlier models) in Ukrainian, the API, training it on the registry from the command line and the
page (registrars and admins only), and the review queue of the pairs it stored. Synthetic persons only."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import duplicates, linkage, merging, services, training
from homecoming.app.registry.models import LinkageModel, Person, PossibleDuplicate
from homecoming.cli import app
from homecoming.errors import InputError, PermissionDenied
from homecoming.linkage.names import romanize_uk

pytestmark = pytest.mark.django_db

FAMILIES = ["Коваленко", "Мельник", "Бондаренко", "Шевченко", "Ткаченко", "Кравченко", "Олійник", "Лисенко"]
GIVEN = ["Олександр", "Тарас", "Андрій", "Іван", "Петро", "Микола"]
PATRONYMICS = ["Іванович", "Петрович", "Миколайович", "Андрійович"]


def _uk(client: Client) -> Client:
    client.cookies["django_language"] = "uk"
    return client


def _text(html: str) -> str:
    """The page's text without tags, white space folded."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def small_registry(registrar: Any) -> list[Person]:
    """48 persons, each in Cyrillic and in Latin letters; namesakes; half with service numbers."""
    persons = []
    for i in range(48):
        family, given, patronymic = FAMILIES[i % 8], GIVEN[i % 6], PATRONYMICS[i % 4]
        persons.append(
            services.create_person(
                actor=registrar,
                data={
                    "sex": "male",
                    "birth_date": f"{1970 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "service_number": f"{4500000000 + 7919 * i}" if i % 2 else "",
                },
                names=[
                    {"family_name": family, "given_name": given, "patronymic": patronymic},
                    {
                        "family_name": romanize_uk(family),
                        "given_name": romanize_uk(given),
                        "patronymic": romanize_uk(patronymic),
                        "script": "latin",
                    },
                ],
                not_duplicate=True,
                reason="a namesake (synthetic)",
            )
        )
    return persons


# --- the page ------------------------------------------------------------------------------------------


def test_the_page_shows_the_shipped_model_its_provenance_and_weights_in_ukrainian(auditor: Any) -> None:
    client = _uk(Client())
    client.force_login(auditor)
    response = client.get("/registry/linkage-model/")
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    shipped = linkage.shipped_model()["provenance"]
    assert "Модель зіставлення" in text
    assert "Діє: модель, що постачається з Homecoming" in text
    assert "розробники Homecoming (постачається з програмою)" in text
    assert shipped["records_sha256"] in text and shipped["splink_version"] in text
    assert "9 412" in text or "9 412" in text  # the records, grouped the Ukrainian way
    assert "list_a.csv" in text  # the input files' digests
    # every comparison and its levels, translated; weights with a decimal comma
    for label in ("прізвище", "ім'я", "по батькові", "дата народження", "особовий номер", "підрозділ"):
        assert label in text, label
    for level in ("день і місяць переставлено", "те саме після транслітерації", "різниця в одну помилку"):
        assert level in text, level
    assert "Апріорна ймовірність" in text
    assert re.search(r"\+\d+,\d", text) and re.search(r"−\d+,\d", text)
    # the chart: server-side SVG, green bars for, red against
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert svg is not None
    assert 'class="for"' in svg.group(0) and 'class="against"' in svg.group(0)
    assert "Вага збігу кожного рівня порівняння, у бітах" in svg.group(0)
    # an auditor may read it but not train
    assert "Навчити на реєстрі" not in text
    assert client.post("/registry/linkage-model/train/").status_code == 403
    assert "Немає: від початку діє модель" in text


def test_only_those_who_may_see_persons_read_the_page(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("admin", "admin-x"))
    assert client.get("/registry/linkage-model/").status_code == 200
    assert Client().get("/registry/linkage-model/").status_code == 302  # to the log-in page


def test_the_api_gives_the_model_in_force_with_its_weights_and_history(
    registrar: Any, auditor: Any, api: Any, small_registry: list[Person]
) -> None:
    body = api(auditor).get("/api/v1/registry/linkage-model").json()
    assert body["shipped"] is True and body["id"] is None and body["history"] == []
    comparisons = {c["comparison"]: c["levels"] for c in body["comparisons"]}
    assert list(comparisons) == [
        "surname",
        "given_name",
        "patronymic",
        "birth_date",
        "service_number",
        "unit",
        "place_of_birth",
        "sex",
    ]
    exact = next(lv for lv in comparisons["birth_date"] if lv["level"] == "exact")
    assert exact["weight"] > 5 and 0 < exact["u"] < exact["m"] < 1
    assert body["prior_weight"] < 0
    first = training.use_model(actor=registrar, model_id=None)
    second = training.use_model(actor=registrar, model_id=first.pk)
    body = api(auditor).get("/api/v1/registry/linkage-model").json()
    assert body["id"] == second.pk and body["shipped"] is False
    assert body["by"] == registrar.username
    assert [h["id"] for h in body["history"]] == [first.pk]


# --- training ------------------------------------------------------------------------------------------


def test_the_cli_adapts_the_model_to_the_registry_u_from_its_persons_m_kept(
    registrar: Any, small_registry: list[Person]
) -> None:
    """Training on the registry learns chance agreement (u) from its persons, one name form each, and
    keeps how one person's records agree (m) from the model in force (issue 14): the registry holds no
    person twice, so EM on it learnt nonsense (-1002 bits for a different unit)."""
    shipped = linkage.shipped_model()["splink_settings"]
    result = CliRunner().invoke(
        app, ["registry", "train-model", "--sample", "40", "--seed", "3", "--as", registrar.username]
    )
    assert result.exit_code == 0, result.output
    row = LinkageModel.objects.get()
    assert row.records == 40 and row.trained_on == "registry: 40 persons"
    trained = row.model["splink_settings"]
    for old, new in zip(shipped["comparisons"], trained["comparisons"], strict=True):
        # the strongest agreement's m is kept (the looser levels and disagreements may be bounded anew)
        a, b = (next(lv for lv in c["comparison_levels"] if not lv.get("is_null_level")) for c in (old, new))
        assert b["m_probability"] == pytest.approx(a["m_probability"]), old["output_column_name"]
    assert trained["probability_two_random_records_match"] == shipped["probability_two_random_records_match"]
    assert any(
        b.get("u_probability") != a.get("u_probability")
        for old, new in zip(shipped["comparisons"], trained["comparisons"], strict=True)
        for a, b in zip(old["comparison_levels"], new["comparison_levels"], strict=True)
    )
    assert training.check_trained(row.model) == []
    assert AuditRecord.objects.filter(action="train linkage model").count() == 1


def test_the_cli_names_a_registry_with_nothing_to_learn_from_and_changes_nothing(registrar: Any) -> None:
    result = CliRunner().invoke(app, ["registry", "train-model"])
    assert result.exit_code == 2
    assert "no persons to train on" in result.output
    assert not LinkageModel.objects.exists()
    result = CliRunner().invoke(app, ["registry", "train-model", "--as", "nobody-here"])
    assert result.exit_code != 0 and "nobody-here" in result.output


def test_only_a_registrar_or_an_admin_may_train(
    registrar: Any, reviewer: Any, auditor: Any, make_user: Any, small_registry: list[Person]
) -> None:
    for user in (reviewer, auditor):
        with pytest.raises(PermissionDenied):
            training.train_on_registry(actor=user)
        client = Client()
        client.force_login(user)
        assert client.post("/registry/linkage-model/train/").status_code == 403
    assert not LinkageModel.objects.exists()
    for user in (registrar, make_user("admin", "admin-t")):
        client = _uk(Client())
        client.force_login(user)
        assert "Навчити на реєстрі" in _text(client.get("/registry/linkage-model/").content.decode())
        response = client.post("/registry/linkage-model/train/", follow=True)
        assert "Діє нова модель" in _text(response.content.decode())  # u from the registry, m kept
    assert LinkageModel.objects.count() == 2


def test_a_registry_of_one_person_is_refused_by_name(registrar: Any) -> None:
    services.create_person(
        actor=registrar, data={"sex": "male"}, names=[{"family_name": "Коваленко", "given_name": "Іван"}]
    )
    with pytest.raises(InputError, match="one person is nothing to train on"):
        training.train_on_registry(actor=registrar)
    assert not LinkageModel.objects.exists()


# --- the review queue of stored pairs ------------------------------------------------------------------

EVIDENCE = [
    ["surname", "same key", 9.4],
    ["given_name", "same key or equivalent", 4.8],
    ["birth_date", "day and month swapped", 9.7],
    ["sex", "same", 0.2],
    ["unit", "different", -6.1],
]


def _pair(a: Person, b: Person, probability: float, row: int = 7) -> PossibleDuplicate:
    return PossibleDuplicate.objects.create(
        person=b, other=a, probability=probability, evidence=EVIDENCE, source=f"import of list.csv, row {row}"
    )


@pytest.fixture
def pairs(registrar: Any) -> list[tuple[Person, Person]]:
    out = []
    for i, family in enumerate(["Мельник", "Ткаченко", "Олійник"]):
        a = services.create_person(
            actor=registrar,
            data={"sex": "male", "birth_date": f"1979-11-0{i + 2}", "unit": "в/ч А4009"},
            names=[{"family_name": family, "given_name": "Тарас", "patronymic": "Петрович"}],
        )
        b = services.create_person(
            actor=registrar,
            data={"sex": "male", "birth_date": f"1979-0{i + 2}-11", "unit": "в/ч А1234"},
            names=[{"family_name": romanize_uk(family).upper(), "given_name": "TARAS"}],
            not_duplicate=True,
            reason="imported",
        )
        out.append((a, b))
    return out


def test_the_queue_lists_stored_pairs_best_first_with_the_evidence_and_source(
    registrar: Any, pairs: list[tuple[Person, Person]]
) -> None:
    (a1, b1), (a2, b2), (_, b3) = pairs
    _pair(a1, b1, 0.71, row=3)
    _pair(a2, b2, 0.62, row=12)
    _pair(a2, b2, 0.93, row=9)  # found again by a later import: the pair is listed once, as found last
    client = _uk(Client())
    client.force_login(registrar)
    html = client.get("/registry/duplicates/").content.decode()
    model = html[html.index('id="model-pairs"') : html.index('id="scan-pairs"')]
    text = _text(model)
    assert text.index(b2.reference) < text.index(b1.reference)
    assert text.count(b2.reference) == text.count(b1.reference)
    assert "імовірність збігу 93,0 %" in text and "імовірність збігу 71,0 %" in text
    assert "62,0 %" not in text and "рядок 12" not in text
    assert "імпорт list.csv, рядок 9" in text and "імпорт list.csv, рядок 3" in text
    assert "день і місяць переставлено" in text and "+9,7" in text and "−6,1" in text
    assert 'class="right weight against">−6,1' in model and 'class="right weight for">+9,7' in model
    assert "MELNYK" in text and "1979-11-02" in text  # both persons' values side by side
    assert b3.reference not in text  # never stored
    # the scan lists a stored pair only among the stored ones
    scan = _text(html[html.index('id="scan-pairs"') :])
    assert b2.reference not in scan


def test_decided_merged_and_later_pairs_leave_the_queue(
    registrar: Any, pairs: list[tuple[Person, Person]]
) -> None:
    (a1, b1), (a2, b2), (a3, b3) = pairs
    for (a, b), p in zip(pairs, (0.9, 0.8, 0.7), strict=True):
        _pair(a, b, p)
    assert [x.person_id for x in duplicates.open_possible_duplicates()] == [b1.pk, b2.pk, b3.pk]
    client = Client()
    client.force_login(registrar)
    client.post(
        "/registry/duplicates/decide/",
        {"left": a1.pk, "right": b1.pk, "decision": "not_same", "reason": "different fathers"},
    )
    merging.merge(actor=registrar, duplicate_id=b2.pk, survivor_id=a2.pk, reason="the same card")
    assert [x.person_id for x in duplicates.open_possible_duplicates()] == [b3.pk]
    client.post("/registry/duplicates/decide/", {"left": a3.pk, "right": b3.pk, "decision": "later"})
    assert b3.reference not in client.get("/registry/duplicates/").content.decode()
    # an unmerge is a decision too: the pair found before it is not proposed again
    merging.unmerge(actor=registrar, duplicate_id=b2.pk, reason="not him")
    assert list(duplicates.open_possible_duplicates(skip=[f"{a3.pk}-{b3.pk}"])) == []
    # found again after the decisions: proposed again (but never a pair said not to be the same)
    _pair(a2, b2, 0.75)
    _pair(a1, b1, 0.75)
    assert [x.person_id for x in duplicates.open_possible_duplicates()] == [b2.pk, b3.pk]


def test_the_queue_merges_a_stored_pair_and_is_paged(
    registrar: Any, pairs: list[tuple[Person, Person]]
) -> None:
    a, b = pairs[0]
    _pair(a, b, 0.99)
    for i in range(25):  # more pairs than a page
        x = services.create_person(
            actor=registrar,
            data={"sex": "female"},
            names=[{"family_name": f"Тест{i}", "given_name": "Марія"}],
        )
        _pair(a, x, 0.6)
    client = Client()
    client.force_login(registrar)
    first = client.get("/registry/duplicates/").content.decode()
    assert first.count('class="card pair stored"') == 20 and 'id="pages"' in first
    second = client.get("/registry/duplicates/?page=2").content.decode()
    assert second.count('class="card pair stored"') == 6 and 'id="scan-pairs"' not in second
    response = client.post(
        "/registry/duplicates/decide/",
        {"left": a.pk, "right": b.pk, "decision": "merge_right", "reason": "the same card", "page": "2"},
    )
    assert response["Location"].endswith("/registry/duplicates/?page=2")
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    after = client.get("/registry/duplicates/").content.decode()
    assert f"{b.reference} merged into {a.reference}" in after  # the message, once
    assert b.reference not in after[after.index('id="model-pairs"') :]


# --- a trained model is checked before it is put in force; an earlier one can be put back --------------


def _broken(kind: str) -> dict[str, Any]:
    """The shipped model with one fault of those the registry's training made (issue 14)."""
    import copy

    model = copy.deepcopy(linkage.shipped_model())
    comparisons = {c["output_column_name"]: c for c in model["splink_settings"]["comparisons"]}
    levels = [lv for lv in comparisons["service_number"]["comparison_levels"] if not lv.get("is_null_level")]
    if kind == "missing m":
        first = next(lv for lv in comparisons["surname"]["comparison_levels"] if not lv.get("is_null_level"))
        first.pop("m_probability", None)
    elif kind == "-1002 bits":
        levels[-1]["m_probability"] = levels[-1]["u_probability"] * 2.0**-1002
    elif kind == "check pair":  # a given name that differs hardly counts: brothers become one person
        for lv in comparisons["given_name"]["comparison_levels"]:
            if lv["sql_condition"] == "ELSE":
                lv["m_probability"] = lv["u_probability"]
    return model


@pytest.mark.parametrize(
    ("kind", "named"),
    [
        ("missing m", "surname 'the same' has no m"),
        ("-1002 bits", "service number 'different' weighs −1002.0 bits"),
        ("check pair", "brothers"),
    ],
)
def test_a_broken_model_is_refused_by_name_and_the_model_in_force_stays(
    registrar: Any, small_registry: list[Person], kind: str, named: str
) -> None:
    assert training.check_trained(linkage.shipped_model()) == []
    good = training.use_model(actor=registrar, model_id=None)
    broken = _broken(kind)
    problems = training.check_trained(broken)
    assert any(named in p for p in problems), problems
    with pytest.raises(InputError, match="is not put in force") as refused:
        training.refuse_broken(broken, "the trained model")
    assert named in str(refused.value) and "more persons" in refused.value.hint
    assert linkage.current()[1] == good and LinkageModel.objects.count() == 1


def test_an_earlier_and_the_shipped_model_are_put_back_audited(
    registrar: Any, small_registry: list[Person]
) -> None:
    first = training.use_model(actor=registrar, model_id=None)
    second = LinkageModel.objects.create(model=first.model, trained_on="registry: 40 persons", records=80)
    assert linkage.current()[1] == second
    result = CliRunner().invoke(app, ["registry", "use-model", str(first.pk), "--as", registrar.username])
    assert result.exit_code == 0, result.output
    back = linkage.current()[1]
    assert back is not None and back.pk not in (first.pk, second.pk)
    assert back.trained_on == f"restored model {first.pk}" and back.model == first.model
    assert back.actor == registrar
    assert AuditRecord.objects.filter(action="train linkage model", object_id=str(back.pk)).exists()
    # the shipped model, from the page
    client = _uk(Client())
    client.force_login(registrar)
    html = client.get("/registry/linkage-model/").content.decode()
    assert html.count("Використати цю модель знову") == 3  # two earlier models and the shipped one
    response = client.post("/registry/linkage-model/use/", {"model": "shipped"}, follow=True)
    shipped = linkage.current()[1]
    assert shipped is not None and shipped.trained_on == "the shipped model"
    assert shipped.model == linkage.shipped_model()
    text = _text(response.content.decode())
    assert f"Модель {shipped.pk}" in text
    assert "модель, що постачається з Homecoming, знову введена в дію" in text
    assert f"модель {first.pk}, знову введена в дію" in text
    assert "../shared" not in text and "registry: 40 persons" not in text
    assert "найновіші 40 осіб реєстру" in text
    assert AuditRecord.objects.filter(action="train linkage model", object_id=str(shipped.pk)).exists()
    result = CliRunner().invoke(app, ["registry", "use-model", "999999"])
    assert result.exit_code != 0 and "no linkage model 999999" in result.output


def test_only_a_registrar_or_an_admin_may_put_a_model_back(
    registrar: Any, reviewer: Any, auditor: Any
) -> None:
    training.use_model(actor=registrar, model_id=None)
    for user in (reviewer, auditor):
        with pytest.raises(PermissionDenied):
            training.use_model(actor=user, model_id=None)
        client = _uk(Client())
        client.force_login(user)
        assert "Використати цю модель знову" not in client.get("/registry/linkage-model/").content.decode()
        assert client.post("/registry/linkage-model/use/", {"model": "shipped"}).status_code == 403
    assert LinkageModel.objects.count() == 1
