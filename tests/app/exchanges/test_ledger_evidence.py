"""Issue 10 item 13: a manifest and a sourced figure are different evidence; neither replaces the other
unless a person decides (and a second person accepts); the chart plots the table's totals."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from homecoming.app.audit.models import AuditRecord
from homecoming.app.exchanges import decisions, findings, ledger
from homecoming.app.exchanges.chart import ledger_chart
from homecoming.app.exchanges.ledger_data import load_example_ledger
from homecoming.app.exchanges.manifests import add_manifest_version
from homecoming.app.exchanges.models import Agreement, LedgerDecision, LedgerDecisionReview, Operation
from homecoming.errors import ConflictError, PermissionDenied, ValidationError
from homecoming.io.manifests import ManifestRow

pytestmark = pytest.mark.django_db

OP = "REM-2025-09-18"


@pytest.fixture
def example(coordinator: Any) -> Agreement:
    load_example_ledger(coordinator)
    return Agreement.objects.get(reference="IST-2025-06")


def _manifest_21(coordinator: Any, reason: str = "") -> Any:
    rows = [
        ManifestRow(line_no=i, category="bodies", container_number=f"SYN-BAG-{i:03d}", outcome="transferred")
        for i in range(1, 22)
    ]
    return add_manifest_version(
        actor=coordinator,
        operation=Operation.objects.get(reference=OP),
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=rows,
        reason=reason,
    )


def _ua(agreement: Agreement) -> ledger.Series:
    return next(s for s in ledger.compute(agreement).series if s.receiving == "UA")


def test_a_21_line_manifest_does_not_replace_the_sourced_1000(coordinator: Any, example: Agreement) -> None:
    assert _ua(example).delivered == 3000
    _manifest_21(coordinator)
    s = _ua(example)
    assert s.delivered == 3000 and s.total_with_undated == 9000
    [d] = s.disagreements
    assert (d.operation, d.delivered, d.figure_value, d.manifest_count) == (OP, 1000, 1000, 21)
    assert d.figure_source == "KSHPPV (Ukraine)" and d.decision_state == "undecided"
    assert [f["value"] for f in d.figures] == [1000]
    assert s.points[-1].disputed and s.points[-1].basis == "counted_by_receiver"
    [found] = findings.for_agreement(example).of_kind("manifest_disagrees_with_figure")
    assert found.operation == OP
    assert (
        "KSHPPV (Ukraine)" in found.message and "1,000" in found.message and "21 delivered" in found.message
    )
    assert found.detail["figure"] == 1000 and found.detail["manifest_count"] == 21
    csv = ledger.to_csv(ledger.compute(example))
    assert f",{OP},2025-09-18," in csv and "21,1000,KSHPPV (Ukraine),undecided" in csv


def test_the_manifest_counts_only_after_a_decision_is_accepted_by_a_second_person(
    coordinator: Any, make_user: Any, example: Agreement
) -> None:
    _manifest_21(coordinator)
    op = Operation.objects.get(reference=OP)
    with pytest.raises(ValidationError) as info:
        decisions.decide(actor=coordinator, operation_id=op.pk, receiving="UA", use="manifest", reason=" ")
    assert info.value.problems[0].field == "reason"
    audits = AuditRecord.objects.count()
    decision = decisions.decide(
        actor=coordinator,
        operation_id=op.pk,
        receiving="UA",
        use="manifest",
        reason="the 21 bags were counted one by one at the handover",
    )
    assert AuditRecord.objects.count() == audits + 1
    assert _ua(example).delivered == 3000  # not yet: waits for review
    assert _ua(example).disagreements[0].decision_state == "awaiting_review"
    with pytest.raises(PermissionDenied):
        decisions.review(actor=coordinator, decision_id=decision.pk, verdict="accepted")
    with pytest.raises(PermissionDenied):
        decisions.review(actor=make_user("registrar"), decision_id=decision.pk, verdict="accepted")
    reviewer = make_user("identification_reviewer", "reviewer")
    decisions.review(actor=reviewer, decision_id=decision.pk, verdict="accepted", note="checked the list")
    s = _ua(example)
    assert s.delivered == 2021 and s.disagreements == []
    d = next(d for d in s.deliveries if d.operation == OP)
    assert d.decision_state == "decided" and d.basis == "manifest" and d.decision["reviewer"] == "reviewer"
    [found] = findings.for_agreement(example).of_kind("manifest_disagrees_with_figure")
    assert "decided by coordinator, accepted by reviewer" in found.message
    with pytest.raises(ConflictError):
        decisions.review(actor=reviewer, decision_id=decision.pk, verdict="rejected", note="again")
    for statement in (
        lambda: LedgerDecision.objects.filter(pk=decision.pk).update(use="figure"),
        lambda: LedgerDecisionReview.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
            statement()


def test_new_evidence_reopens_a_decision(coordinator: Any, make_user: Any, example: Agreement) -> None:
    _manifest_21(coordinator)
    op = Operation.objects.get(reference=OP)
    decision = decisions.decide(
        actor=coordinator, operation_id=op.pk, receiving="UA", use="manifest", reason="counted"
    )
    decisions.review(actor=make_user("identification_reviewer"), decision_id=decision.pk, verdict="accepted")
    assert _ua(example).delivered == 2021
    rows = [
        ManifestRow(line_no=i, category="bodies", container_number=f"SYN-{i:03d}", outcome="transferred")
        for i in range(1, 31)
    ]
    add_manifest_version(
        actor=coordinator,
        operation=op,
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=rows,
        reason="nine bags were missing from the first list",
    )
    s = _ua(example)
    assert s.delivered == 3000 and [d.decision_state for d in s.disagreements] == ["stale"]


def test_a_manifest_that_agrees_with_the_figure_needs_no_decision(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    from datetime import date

    from homecoming.app.exchanges import services

    op = make_operation("OP-1", date(2025, 7, 1))
    add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=bags("B1", "B2")
    )
    services.add_figure(
        actor=coordinator,
        data={
            "operation": op.pk,
            "receiving_party": "UA",
            "value": 2,
            "role": "counted_by_receiver",
            "source_kind": "party_body",
            "source_name": "Receiver",
        },
    )
    s = next(s for s in ledger.compute(agreement).series if s.category == "bodies" and s.receiving == "UA")
    assert s.delivered == 2 and s.disagreements == [] and s.points[0].basis == "manifest"
    with pytest.raises(ConflictError):
        decisions.decide(
            actor=coordinator,
            operation_id=op.pk,
            receiving="UA",
            category="bodies",
            use="manifest",
            reason="x",
        )
    assert findings.for_operation(op).of_kind("manifest_disagrees_with_figure") == []


def _chart_totals(svg: str) -> dict[str, int]:
    """What the rendered chart plots: the last cumulative value of each series (data-total)."""
    totals = {}
    for label, body in re.findall(r'<g class="series" data-label="([^"]+)"(.*?)</g>', svg, re.S):
        values = [int(v) for v in re.findall(r'data-cumulative="(\d+)"', body)]
        totals[label] = values[-1] if values else 0
    return totals


def test_the_chart_ends_at_the_tables_totals_undated_deliveries_included(example: Agreement) -> None:
    led = ledger.compute(example)
    svg = str(ledger_chart(led.series, title="t"))
    plotted = _chart_totals(svg)
    table = {f"{s.sending} → {s.receiving} ({s.category})": s.total_with_undated for s in led.series}
    assert plotted == table == {"RU → UA (bodies)": 9000, "UA → RU (bodies)": 141}
    assert svg.count('class="point undated') == 2
    ymax = int(re.search(r'data-ymax="(\d+)"', svg).group(1))
    assert ymax >= 9000


def _csv_21(folder: Any) -> Any:
    path = folder / "executed-21.csv"
    path.write_text(
        "category,container_number,outcome\n"
        + "".join(f"bodies,SYN-BAG-{i:03d},transferred\n" for i in range(1, 22)),
        encoding="utf-8",
    )
    return path


def test_the_cli_flags_the_disagreement_and_records_a_reviewed_decision(
    tmp_path: Any, coordinator: Any, make_user: Any, example: Agreement
) -> None:
    import typer
    from typer.testing import CliRunner

    from homecoming.commands import exchanges as commands

    app = typer.Typer()
    app.command("import-manifest")(commands.import_manifest_command)
    app.command("show")(commands.ledger_show_command)
    app.command("decide")(commands.ledger_decide_command)
    app.command("review")(commands.ledger_review_command)

    def run(*args: str) -> Any:
        return CliRunner().invoke(app, list(args))

    before = run("show", "IST-2025-06")
    assert before.exit_code == 0, before.output
    assert "bodies RU → UA: quota 6,000; delivered (dated) 3,000; with undated ≈ 9,000" in before.stdout
    assert "no disagreements" in before.stdout
    imported = run(
        "import-manifest",
        "--operation",
        OP,
        "--from",
        "RU",
        "--to",
        "UA",
        str(_csv_21(tmp_path)),
        "--as",
        "coordinator",
    )
    assert imported.exit_code == 0, imported.output
    assert "disagreement: REM-2025-09-18 RU → UA (bodies): KSHPPV (Ukraine)" in imported.stdout
    shown = run("show", "IST-2025-06")
    assert "delivered (dated) 3,000; with undated ≈ 9,000" in shown.stdout
    assert (
        "reported 1,000; the executed manifest (version 1) lists 21 delivered; the ledger counts 1,000"
        in (shown.stdout)
    )
    refused = run("decide", "--operation", OP, "--to", "UA", "--use", "manifest", "--reason", " ")
    assert refused.exit_code == 2 and "reason" in refused.stderr
    decided = run(
        "decide",
        "--operation",
        OP,
        "--to",
        "UA",
        "--use",
        "manifest",
        "--reason",
        "bags counted",
        "--as",
        "coordinator",
    )
    assert decided.exit_code == 0, decided.output
    number = decided.stdout.split()[1].rstrip(":")
    own = run("review", number, "--accept", "--as", "coordinator")
    assert own.exit_code == 4 and "someone other than" in own.stderr
    make_user("identification_reviewer", "reviewer")
    accepted = run("review", number, "--accept", "--as", "reviewer")
    assert accepted.exit_code == 0 and accepted.stdout == f"decision {number}: accepted\n"
    after = run("show", "IST-2025-06")
    assert "delivered (dated) 2,021; with undated ≈ 8,021" in after.stdout
    assert "decided by coordinator, accepted by reviewer" in after.stdout


def test_the_pages_show_both_counts_flag_the_disagreement_and_take_a_reviewed_decision(
    tmp_path: Any, coordinator: Any, make_user: Any, example: Agreement
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(coordinator)
    op = Operation.objects.get(reference=OP)
    r = client.post(
        f"/exchanges/operations/{op.pk}/manifests/import/",
        {
            "sending": "RU",
            "receiving": "UA",
            "stage": "executed",
            "file": SimpleUploadedFile("executed-21.csv", _csv_21(tmp_path).read_bytes()),
        },
    )
    assert r.status_code == 302
    flashed = re.search(r'<ul class="messages">(.*?)</ul>', client.get(r["Location"]).content.decode(), re.S)
    assert flashed is not None and "Imported 21 lines as version 1." in flashed.group(1)
    assert '<li class="warning">' in flashed.group(1)
    assert "reported 1,000; the executed manifest (version 1) lists 21 delivered" in flashed.group(1)
    page = client.get(f"/exchanges/agreements/{example.pk}/").content.decode()
    row = re.search(rf'<tr class="disagree" id="evidence-{op.pk}-UA-bodies">(.*?)</tr>', page, re.S)
    assert row is not None
    assert '1,000 <span class="muted">(KSHPPV (Ukraine))</span>' in row.group(1)
    assert '21 <span class="muted">(version 1)</span>' in row.group(1)
    assert "<strong>1,000</strong>" in row.group(1) and "disagree: undecided" in row.group(1)
    assert "1 count where the executed manifest and the reported figure disagree" in page
    assert "manifest_disagrees_with_figure" in page and "lists 21 delivered" in page
    assert re.search(r"<td>3,000 <a class=\"badge rejected\"", page)  # the table keeps 3,000
    uk = client.get(
        f"/exchanges/agreements/{example.pk}/", headers={"accept-language": "uk"}
    ).content.decode()
    assert "маніфест і цифра розходяться" in uk and "без дати" in uk
    assert re.search('<td>3\xa0000 <a class="badge rejected"', uk)  # grouped as Ukrainian groups
    assert "виконаний маніфест (версія 1) містить 21 переданих" in uk
    operation_page = client.get(f"/exchanges/operations/{op.pk}/").content.decode()
    assert f'action="/exchanges/operations/{op.pk}/ledger-decisions/"' in operation_page
    r = client.post(
        f"/exchanges/operations/{op.pk}/ledger-decisions/",
        {"receiving": "UA", "category": "bodies", "use": "manifest", "reason": "counted bag by bag"},
    )
    assert r.status_code == 302
    decision = LedgerDecision.objects.get()
    reviewer = Client()
    reviewer.force_login(make_user("identification_reviewer", "reviewer"))
    assert "decision awaits review" in reviewer.get(f"/exchanges/operations/{op.pk}/").content.decode()
    r = reviewer.post(f"/exchanges/ledger-decisions/{decision.pk}/review/", {"verdict": "accepted"})
    assert r.status_code == 302
    page = client.get(f"/exchanges/agreements/{example.pk}/").content.decode()
    assert re.search(r"<td>2,021<span class=\"muted\"> \(", page) or "<td>2,021 " in page
    assert "counted bag by bag" in page and ">decided<" in page


def test_the_api_decides_and_reviews(api: Any, coordinator: Any, make_user: Any, example: Agreement) -> None:
    _manifest_21(coordinator)
    op = Operation.objects.get(reference=OP)
    base = "/api/v1/exchanges"
    led = api(coordinator).get(f"{base}/agreements/{example.pk}/ledger").json()
    [d] = led["disagreements"]
    assert (d["operation"], d["figure"], d["figure_source"], d["manifest_count"], d["counted"]) == (
        OP,
        1000,
        "KSHPPV (Ukraine)",
        21,
        1000,
    )
    ua = next(s for s in led["series"] if s["receiving"] == "UA")
    assert (ua["delivered"], ua["total_with_undated"]) == (3000, 9000)
    r = api(coordinator).post(
        f"{base}/operations/{op.pk}/ledger-decisions",
        {"receiving": "UA", "use": "manifest", "reason": "counted"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    decision = r.json()["id"]
    r = api(make_user("registrar")).post(
        f"{base}/ledger-decisions/{decision}/review", {"verdict": "accepted"}, content_type="application/json"
    )
    assert r.status_code == 403
    r = api(make_user("identification_reviewer", "reviewer")).post(
        f"{base}/ledger-decisions/{decision}/review", {"verdict": "accepted"}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["reviewer"] == "reviewer"
    led = api(coordinator).get(f"{base}/agreements/{example.pk}/ledger").json()
    assert led["disagreements"] == []
    assert next(s for s in led["series"] if s["receiving"] == "UA")["delivered"] == 2021


def test_the_chart_s_y_axis_is_in_round_steps_and_it_fills_its_card(example: Agreement) -> None:
    from homecoming.app.charts import nice_ticks

    assert nice_ticks(6000) == [0, 1000, 2000, 3000, 4000, 5000, 6000]
    assert nice_ticks(9000) == [0, 2000, 4000, 6000, 8000, 10000]
    assert nice_ticks(141) == [0, 50, 100, 150]
    assert nice_ticks(3) == [0, 1, 2, 3]
    svg = str(ledger_chart(ledger.compute(example).series, title="t"))
    labels = [int(t.replace(",", "")) for t in re.findall(r'<text class="tick"[^>]*>([\d,]+)</text>', svg)]
    assert labels == [0, 2000, 4000, 6000, 8000, 10000], labels
    assert re.search(r'data-ymax="(\d+)"', svg).group(1) == "10000"
    for a, b in itertools.pairwise(labels):
        step = b - a
        assert step // 10 ** (len(str(step)) - 1) in (1, 2, 5) and step % 10 ** (len(str(step)) - 1) == 0
    opening = svg[: svg.index(">")]
    assert 'width="100%"' in opening and 'height="' not in opening.replace("height:auto", "")
