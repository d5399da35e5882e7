"""Demo data for exchanges and remains: the public 2025 ledger and one synthetic intake batch.

The ledger holds only public aggregate facts with their sources. The intake batch is invented: 20 bags
said to come with the operation of 18 September 2025, one commingled bag opened into two bodies and a
body part, an examination, a bone sample shipped to a second laboratory and an identity-disc half.

The demo also shows a disagreement the ledger must not hide (issue 10): a synthetic executed manifest of
21 lines for the same operation (the 20 bags received and one that never arrived), against the sourced
figure of 1,000 bodies. The ledger keeps the 1,000, shows the manifest's 21 beside it and flags the
disagreement until a person decides and a second person accepts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from homecoming.app.exchanges.ledger_data import load_example_ledger
from homecoming.app.exchanges.manifests import add_manifest_version
from homecoming.app.exchanges.models import Operation
from homecoming.app.remains import custody, examinations
from homecoming.app.remains import services as remains
from homecoming.app.remains.models import IntakeBatch
from homecoming.io.manifests import ManifestRow

DEMO_MANIFEST_LINES = 21  # 20 bags received and one listed that never arrived (synthetic)


def build_exchanges_and_remains(users: dict[str, Any]) -> int:
    """Load the ledger (idempotent) and, once, the synthetic batch; the number of units registered."""
    load_example_ledger(users["coordinator"])
    if IntakeBatch.objects.exists():
        return 0
    examiner = users["examiner"]
    received = timezone.now() - timedelta(days=3)
    batch = remains.create_batch(
        actor=examiner,
        data={
            "operation": Operation.objects.filter(reference="REM-2025-09-18").first(),
            "transport": "train",
            "vehicles": 1,
            "containers_declared": 20,
            "containers_counted": 20,
            "receiving_facility": "Demo forensic facility, hall 1",
            "handed_over_by": "Demo handing team (synthetic)",
            "received_by": "Demo receiving examiner (synthetic)",
            "received_at": received,
        },
    )
    operation = Operation.objects.filter(reference="REM-2025-09-18").first()
    if operation is not None:
        add_manifest_version(
            actor=users["coordinator"],
            operation=operation,
            sending="RU",
            receiving="UA",
            stage="executed",
            rows=[
                ManifestRow(
                    line_no=i,
                    category="bodies",
                    container_number=f"DEMO-BAG-{i:03d}",
                    claimed_affiliation="Armed Forces of Ukraine (as the handing party states; synthetic)",
                    outcome="transferred",
                )
                for i in range(1, DEMO_MANIFEST_LINES + 1)
            ],
            note="Synthetic demo manifest: 21 lines against the sourced figure of 1,000 bodies.",
        )
    units = [
        remains.register_unit(
            actor=examiner,
            batch=batch,
            seal=f"DEMO-S-{i:03d}",
            data={
                "bag_number": f"DEMO-BAG-{i:03d}",
                "kind": "commingled_container" if i == 7 else "container",
            },
        )
        for i in range(1, 21)
    ]
    children = remains.split_container(
        actor=examiner,
        container_id=units[6].pk,
        reason="opened at examination",
        children=[{"kind": "body"}, {"kind": "body"}, {"kind": "body_part"}],
    )
    body = remains.transition(actor=examiner, unit_id=children[0].pk, target="registered")
    exam = examinations.record_examination(
        actor=examiner,
        unit=body,
        data={
            "place": "Demo forensic facility, table 2",
            "sex": "male",
            "age_min": 25,
            "age_max": 35,
            "stature_cm": 178,
            "dental": {"36": "amalgam filling", "48": "missing ante mortem"},
            "fingerprints_taken": False,
            "clothing": "Field uniform, no insignia (synthetic)",
            "cause_of_death": "undetermined (synthetic)",
        },
    )
    sample = examinations.take_sample(
        actor=examiner,
        unit=body,
        kind="bone",
        description="femur section",
        examination=exam,
        custody_data={"seal_after": "DEMO-SS-001"},
    )
    custody.dispatch_sample(
        actor=examiner,
        sample=sample,
        carrier="Demo courier",
        data={"seal_after": "DEMO-SS-001", "from_signer": "Demo examiner", "to_signer": "Demo courier"},
    )
    custody.receive_sample(
        actor=users["analyst"],
        sample=sample,
        laboratory="Demo DNA laboratory B",
        accession_number="LAB-B-2025-0001",
        data={
            "seal_before": "DEMO-SS-001",
            "seal_after": "DEMO-SS-001",
            "from_signer": "Demo courier",
            "to_signer": "Demo analyst",
        },
    )
    examinations.add_effect(
        actor=examiner,
        unit=body,
        kind="identity_disc_half",
        description="Half of an identity disc, text illegible (synthetic)",
        packet_number="DEMO-P-001",
    )
    return len(units) + len(children)
