"""A laboratory's CMF file in a real browser (issue 11): the analyst uploads it for a batch's samples.

An intake batch of two bodies is registered with ``homecoming import intake``; the forensic examiner
takes a bone sample of each body on its page; the DNA analyst checks a CMF 3.2 file of the two samples
(a dry run: the summary, nothing written), imports it for the batch, and sees the profiles on the lab
file's page and on each body's page. Genotypes are drawn from the built-in frequencies (synthetic).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from .conftest import _start
from .test_remains_flow import log_in, log_out

pytestmark = pytest.mark.browser

BAGS = ("LAB-BAG-1", "LAB-BAG-2")
INTAKE_ARGS = ["--facility", "Facility North", "--handed-over-by", "Sender", "--received-by", "Morgue North"]


def cmf_of(samples: list[str]) -> bytes:
    import numpy as np

    from homecoming.kinship.formats.cmf import write_cmf
    from homecoming.kinship.formats.frequencies import FrequencyTable
    from homecoming.kinship.formats.lab import LabLocus, LabProfile

    table = FrequencyTable.builtin("norwegian")
    rng = np.random.default_rng(11)
    names = {"vWA": "VWA", "Penta D": "PENTA_D", "Penta E": "PENTA_E"}
    loci = [
        *[
            "CSF1PO",
            "D3S1358",
            "D5S818",
            "D7S820",
            "D8S1179",
            "D13S317",
            "D16S539",
            "D18S51",
            "D21S11",
            "FGA",
            "TH01",
            "TPOX",
            "vWA",
        ]
    ]
    profiles = []
    for line, sample in enumerate(samples, start=1):
        typed = []
        for locus in loci:
            alleles, freqs = table.markers[names.get(locus, locus)]
            a, b = sorted(rng.choice(len(alleles), size=2, p=np.array(freqs) / sum(freqs)))
            typed.append(LabLocus(locus, locus, (alleles[a], alleles[b]), (alleles[a], alleles[b])))
        typed.append(LabLocus("AMEL", "Amelogenin", ("X", "Y"), ("X", "Y")))
        profiles.append(
            LabProfile(
                sample, "unidentified_person", "Unidentified Person", "", "autosomal_str", tuple(typed), line
            )
        )
    return write_cmf(
        profiles,
        source_lab="Lviv DNA laboratory (synthetic)",
        destination_ori="UA0000000",
        submitted_by="analyst",
        submitted_at=datetime(2026, 1, 2, 3, 4, 5),
        kit="Identifiler Plus",
    )


@pytest.fixture(scope="session")
def intake_batch(
    server: Any, remains_users: dict[str, str], _database: dict[str, str], tmp_path_factory: Any
) -> str:
    manifest = Path(tmp_path_factory.mktemp("lab-flow")) / "intake.csv"
    manifest.write_text("bag_number,kind\n" + "".join(f"{b},body\n" for b in BAGS), encoding="utf-8")
    process = _start(["import", "intake", str(manifest), *INTAKE_ARGS, "--as", "examiner"], _database)
    output, _ = process.communicate(timeout=180)
    assert process.returncode == 0, output
    found = re.search(r"units in (IB-[\d-]+)", output)
    assert found, output
    return found.group(1)


def take_samples(page: Any, batch: str) -> list[tuple[str, str]]:
    """On each body's page, a bone sample; (unit page URL, sample reference) of each."""
    page.goto("/remains/")
    with page.expect_navigation():
        page.get_by_role("link", name=batch).first.click()
    batch_url = page.url
    taken = []
    for bag in BAGS:
        page.goto(batch_url)
        with page.expect_navigation():
            page.locator("#units").get_by_role("row").filter(has_text=bag).get_by_role("link").click()
        unit_url = page.url
        page.get_by_text("Take a sample").click()
        form = page.locator("form[action$='/samples/new/']")
        form.locator("[name=kind]").select_option("bone")
        form.locator("[name=description]").fill("right femur")
        with page.expect_navigation():
            form.get_by_role("button", name="Record sample").click()
        reference = page.locator("h1").inner_text().split()[-1]
        assert reference.startswith("SM-"), reference
        taken.append((unit_url, reference))
    return taken


def test_the_analyst_uploads_a_cmf_file_and_sees_the_profiles_on_the_samples(
    page: Any, server: Any, intake_batch: str
) -> None:
    from playwright.sync_api import expect

    log_in(page, "examiner", server.password)
    taken = take_samples(page, intake_batch)
    log_out(page)

    log_in(page, "analyst", server.password)
    data = cmf_of([sample for _, sample in taken])
    page.goto("/genetics/lab-files/upload/")
    page.set_input_files("#id_file", {"name": "plate-12.xml", "mimeType": "text/xml", "buffer": data})
    page.select_option("#id_batch", intake_batch)
    page.check("#id_dry_run")
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    summary = page.locator("#dry-run")
    expect(summary).to_contain_text("Dry run: nothing was written")
    for _, sample in taken:
        expect(summary.locator("#summary")).to_contain_text(sample)

    page.set_input_files("#id_file", {"name": "plate-12.xml", "mimeType": "text/xml", "buffer": data})
    page.select_option("#id_batch", intake_batch)
    page.uncheck("#id_dry_run")
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    assert re.search(r"/genetics/lab-files/\d+/$", page.url), page.locator("#refused").all_inner_texts()
    expect(page.locator("#provenance")).to_contain_text("plate-12.xml")
    expect(page.locator("#provenance")).to_contain_text(intake_batch)
    rows = page.locator("#profiles tbody tr")
    expect(rows).to_have_count(2)

    for unit_url, sample in taken:
        page.goto(unit_url)
        badge = page.locator(f".dna[data-sample='{sample}'] a.badge")
        expect(badge).to_have_count(1)
        expect(badge).to_contain_text("14 loci")
        with page.expect_navigation():
            badge.click()
        expect(page.locator("#quality")).to_contain_text("Identifiler Plus")
        expect(page.locator("#alleles")).to_be_visible()  # the analyst sees the alleles (audited)
