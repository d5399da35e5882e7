"""`homecoming keys` and `homecoming lists`: the organisation's key, trusted keys, signed bundles verified
before anything of them is imported. Every key change is audited."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from homecoming.app.audit.models import AuditRecord, SigningKey
from homecoming.app.registry.models import Person
from homecoming.cli import app
from homecoming.io import bundles
from homecoming.io.persons import write_persons

pytestmark = pytest.mark.django_db

PEOPLE = [
    {
        "external_id": "S-1",
        "family_name": "Тестенко",
        "given_name": "Андрій",
        "status": "confirmed_dead",
        "status_source_type": "forensic_report",
    },
    {
        "external_id": "S-2",
        "family_name": "Пробенко",
        "given_name": "Максим",
        "status": "missing",
        "status_source_type": "family",
    },
    {"external_id": "S-3", "family_name": "Зразенко", "given_name": "Олег"},
]


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env=env)


def said(result: Any) -> str:
    return result.output + (result.stderr if result.stderr_bytes is not None else "")


@pytest.fixture(autouse=True)
def _keys_dir(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.KEYS_DIR = str(tmp_path / "keys")
    settings.ORGANISATION = "Synthetic Bureau"
    monkeypatch.delenv("HOMECOMING_KEY_PASSPHRASE", raising=False)
    return tmp_path / "keys"


@pytest.fixture
def persons(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    write_persons(PEOPLE, path, fmt="csv")
    assert invoke("import", "persons", str(path)).exit_code == 0


def test_generate_writes_a_private_key_0600_in_a_0700_folder_and_records_the_public_key(
    _keys_dir: Path,
) -> None:
    result = invoke("keys", "generate")
    assert result.exit_code == 0, said(result)
    row = SigningKey.objects.get()
    assert row.own and row.name == "Synthetic Bureau" and row.state == "active"
    key_file = _keys_dir / f"{row.key_id}.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(_keys_dir).st_mode) == 0o700
    assert b"ENCRYPTED" not in key_file.read_bytes()
    assert row.fingerprint in result.output
    assert AuditRecord.objects.filter(action="generate_key", object_id=str(row.pk)).count() == 1


def test_a_new_key_retires_the_one_before_audited() -> None:
    invoke("keys", "generate")
    invoke("keys", "generate")
    first, second = SigningKey.objects.order_by("id")
    assert (first.state, second.state) == ("retired", "active")
    assert AuditRecord.objects.filter(action="retire_key", object_id=str(first.pk)).exists()
    listed = invoke("keys", "list").output
    assert first.key_id in listed and "retired" in listed and second.key_id in listed


def test_an_encrypted_key_signs_only_with_its_passphrase(
    persons: None, tmp_path: Path, _keys_dir: Path
) -> None:
    assert (
        invoke("keys", "generate", "--encrypt", env={"HOMECOMING_KEY_PASSPHRASE": "synthetic pass"}).exit_code
        == 0
    )
    row = SigningKey.objects.get()
    assert b"ENCRYPTED" in (_keys_dir / f"{row.key_id}.key").read_bytes()
    wrong = invoke(
        "lists", "sign", str(tmp_path / "b"), "--list", "persons", env={"HOMECOMING_KEY_PASSPHRASE": "wrong"}
    )
    assert wrong.exit_code == 2 and "HOMECOMING_KEY_PASSPHRASE" in said(wrong)
    assert not (tmp_path / "b").exists()
    right = invoke(
        "lists",
        "sign",
        str(tmp_path / "b"),
        "--list",
        "persons",
        env={"HOMECOMING_KEY_PASSPHRASE": "synthetic pass"},
    )
    assert right.exit_code == 0, said(right)


def test_signing_without_a_key_says_how_to_make_one(persons: None, tmp_path: Path) -> None:
    result = invoke("lists", "sign", str(tmp_path / "b"), "--list", "persons")
    assert result.exit_code == 2
    assert "homecoming keys generate" in said(result)


@pytest.mark.parametrize("name", ["b", "b.zip"])
def test_sign_then_verify_a_list_of_persons(persons: None, tmp_path: Path, name: str) -> None:
    invoke("keys", "generate")
    signed = invoke("lists", "sign", str(tmp_path / name), "--list", "persons")
    assert signed.exit_code == 0, said(signed)
    assert "(3 rows)" in signed.output and "persons.csv" in signed.output and "persons.json" in signed.output
    assert AuditRecord.objects.filter(action="sign_list").count() == 1
    verified = invoke("lists", "verify", str(tmp_path / name))
    assert verified.exit_code == 0, said(verified)
    assert "verified" in verified.output and "Synthetic Bureau" in verified.output
    assert SigningKey.objects.get().fingerprint in verified.output


def test_the_dead_list_holds_only_the_dead(persons: None, tmp_path: Path, reviewer: Any) -> None:
    from homecoming.app.registry.models import StatusAssertion
    from homecoming.app.registry.services import review_assertion

    for claim in StatusAssertion.objects.all():
        review_assertion(actor=reviewer, assertion_id=claim.pk, decision="accepted")
    assert Person.objects.filter(current_status="confirmed_dead").count() == 1
    invoke("keys", "generate")
    assert invoke("lists", "sign", str(tmp_path / "b"), "--list", "dead").exit_code == 0
    text = (tmp_path / "b" / "dead.csv").read_text(encoding="utf-8-sig")
    assert "Тестенко" in text and "Пробенко" not in text


def test_any_files_can_be_signed(tmp_path: Path) -> None:
    invoke("keys", "generate")
    (tmp_path / "held.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = invoke(
        "lists", "sign", str(tmp_path / "b"), "--list", "files", "--file", str(tmp_path / "held.csv")
    )
    assert result.exit_code == 0, said(result)
    assert invoke("lists", "verify", str(tmp_path / "b")).exit_code == 0
    unknown = invoke("lists", "sign", str(tmp_path / "c"), "--list", "everything")
    assert unknown.exit_code == 2 and "one of persons, dead, prisoners, manifest, pfif, files" in said(
        unknown
    )


def test_a_tampered_bundle_is_refused_named_and_imports_nothing(persons: None, tmp_path: Path) -> None:
    invoke("keys", "generate")
    invoke("lists", "sign", str(tmp_path / "b"), "--list", "persons")
    csv = tmp_path / "b" / "persons.csv"
    data = bytearray(csv.read_bytes())
    data[-3] ^= 0x20
    csv.write_bytes(bytes(data))
    before = Person.objects.count()
    verified = invoke("lists", "verify", str(tmp_path / "b"))
    assert verified.exit_code == 2
    assert "persons.csv: was changed" in said(verified)
    imported = invoke("import", "persons", str(tmp_path / "b"))
    assert imported.exit_code == 2 and "persons.csv: was changed" in said(imported)
    assert Person.objects.count() == before


def test_a_verified_bundle_imports_its_persons_audited(persons: None, tmp_path: Path) -> None:
    invoke("keys", "generate")
    invoke("lists", "sign", str(tmp_path / "b.zip"), "--list", "persons")
    before = Person.objects.count()
    dry = invoke("import", "persons", str(tmp_path / "b.zip"), "--dry-run")
    # the bundle is this registry's own export: its persons are recognised, none is created twice
    assert dry.exit_code == 0 and "would import 0 persons" in " ".join(dry.output.split())
    assert "3 already registered" in " ".join(said(dry).split())
    assert Person.objects.count() == before
    result = invoke("import", "persons", str(tmp_path / "b.zip"))
    assert result.exit_code == 0, said(result)
    assert "3 already registered" in " ".join(said(result).split())
    assert Person.objects.count() == before
    assert AuditRecord.objects.filter(action="verify_list").count() == 1


def _other_party(tmp_path: Path) -> tuple[Ed25519PrivateKey, Path]:
    key = Ed25519PrivateKey.generate()
    people = tmp_path / "people.csv"
    write_persons(PEOPLE[:1], people, fmt="csv")
    bundles.write_bundle(
        tmp_path / "theirs",
        {"persons.csv": people.read_bytes()},
        private_key=key,
        kind="persons",
        description="persons held",
        organisation="Other Synthetic Party",
        signed_by="clerk",
        created=dt.datetime.now(dt.UTC),
        rows=1,
    )
    pem = tmp_path / "theirs.pem"
    pem.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key, pem


def test_another_partys_key_is_unknown_until_trusted_and_refused_once_revoked(tmp_path: Path) -> None:
    key, pem = _other_party(tmp_path)
    shown = bundles.fingerprint(key.public_key().public_bytes_raw().hex())
    unknown = invoke("lists", "verify", str(tmp_path / "theirs"))
    assert unknown.exit_code == 2 and f"signed by an unknown key {shown}" in said(unknown)
    assert invoke("import", "persons", str(tmp_path / "theirs")).exit_code == 2
    assert Person.objects.count() == 0

    wrong = invoke("keys", "trust", "Other Party", str(pem), "--fingerprint", "SHA256:nope")
    assert wrong.exit_code == 2 and shown in said(wrong)
    assert not SigningKey.objects.exists()
    trusted = invoke(
        "keys", "trust", "Other Party", str(pem), "--fingerprint", shown, "--reason", "met in person"
    )
    assert trusted.exit_code == 0, said(trusted)
    row = SigningKey.objects.get()
    assert not row.own and AuditRecord.objects.filter(action="trust_key", object_id=str(row.pk)).exists()
    assert invoke("keys", "trust", "Again", str(pem)).exit_code == 3  # known already

    assert invoke("lists", "verify", str(tmp_path / "theirs")).exit_code == 0
    revoked = invoke("keys", "revoke", row.key_id, "--reason", "their laptop was stolen")
    assert revoked.exit_code == 0, said(revoked)
    assert AuditRecord.objects.filter(action="revoke_key", object_id=str(row.pk)).exists()
    refused = invoke("lists", "verify", str(tmp_path / "theirs"))
    assert refused.exit_code == 2 and "revoked on" in said(refused)
    assert invoke("import", "persons", str(tmp_path / "theirs")).exit_code == 2
    assert Person.objects.count() == 0


def test_export_prints_the_public_key_that_trust_reads(tmp_path: Path) -> None:
    invoke("keys", "generate")
    out = invoke("keys", "export")
    assert out.exit_code == 0 and out.output.startswith("-----BEGIN PUBLIC KEY-----")
    own = SigningKey.objects.get()
    assert invoke("keys", "export", own.key_id, "--file", str(tmp_path / "ours.pem")).exit_code == 0
    again = invoke("keys", "trust", "Ourselves", str(tmp_path / "ours.pem"))
    assert again.exit_code == 3 and "already known" in said(again)
    assert invoke("keys", "retire", "nope").exit_code == 5


def test_the_prisoners_list_holds_the_persons_held_without_detention_details(
    persons: None, tmp_path: Path
) -> None:
    from homecoming.app.captivity.services import create_detention

    held = Person.objects.get(names__family_name="Пробенко")
    create_detention(
        actor=None,
        person=held,
        data={
            "detaining_power": "RU",
            "capture_date": dt.date(2025, 1, 5),
            "current_place": "Camp Synthetic-7",
        },
    )
    invoke("keys", "generate")
    result = invoke("lists", "sign", str(tmp_path / "b"), "--list", "prisoners")
    assert result.exit_code == 0, said(result)
    assert "(1 rows)" in result.output
    text = (tmp_path / "b" / "prisoners.csv").read_text(encoding="utf-8-sig")
    assert "Пробенко" in text and "Тестенко" not in text
    assert "Camp Synthetic-7" not in text + (tmp_path / "b" / "prisoners.json").read_text(encoding="utf-8")


def test_a_manifest_version_is_signed_in_its_published_columns(tmp_path: Path) -> None:
    from homecoming.app.exchanges.models import ManifestVersion
    from homecoming.commands.exchanges import import_manifest_command, load_ledger_command

    helper = __import__("typer").Typer()
    helper.command("load-ledger")(load_ledger_command)
    helper.command("import-manifest")(import_manifest_command)
    assert CliRunner().invoke(helper, ["load-ledger"]).exit_code == 0
    lines = tmp_path / "m.csv"
    lines.write_text("category,container_number\nbodies,B1\nbodies,B2\n", encoding="utf-8")
    imported = CliRunner().invoke(
        helper, ["import-manifest", "--operation", "REM-2025-09-18", "--from", "RU", "--to", "UA", str(lines)]
    )
    assert imported.exit_code == 0, imported.output
    version = ManifestVersion.objects.get()
    invoke("keys", "generate")
    missing = invoke(
        "lists", "sign", str(tmp_path / "x"), "--list", "manifest", "--manifest-version", "999999"
    )
    assert missing.exit_code == 5 and "no manifest version 999999" in said(missing)
    result = invoke(
        "lists", "sign", str(tmp_path / "b"), "--list", "manifest", "--manifest-version", str(version.pk)
    )
    assert result.exit_code == 0, said(result)
    name = f"manifest-{version.manifest.pk}-v{version.number}"
    csv = (tmp_path / "b" / f"{name}.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("line_no,category,container_number") and "B2" in csv
    assert invoke("lists", "verify", str(tmp_path / "b")).exit_code == 0


def test_a_private_key_missing_from_the_keys_folder_is_named(
    persons: None, tmp_path: Path, _keys_dir: Path
) -> None:
    invoke("keys", "generate")
    (_keys_dir / f"{SigningKey.objects.get().key_id}.key").unlink()
    result = invoke("lists", "sign", str(tmp_path / "b"), "--list", "persons")
    assert result.exit_code == 2 and "HOMECOMING_KEYS_DIR: cannot read the private key" in said(result)
    assert not (tmp_path / "b").exists()


def test_the_pfif_export_signed_imports_only_when_it_verifies(
    persons: None, tmp_path: Path, settings: Any
) -> None:
    settings.PFIF_DOMAIN = "bureau.example.org"
    invoke("keys", "generate")
    result = invoke("lists", "sign", str(tmp_path / "p.zip"), "--list", "pfif")
    assert result.exit_code == 0, said(result)
    assert "persons.pfif.xml" in result.output and "(3 rows)" in result.output
    before = Person.objects.count()
    again = invoke("import", "pfif", str(tmp_path / "p.zip"))
    assert again.exit_code == 0, said(again)
    assert "imported 0 new persons" in again.output and Person.objects.count() == before
    assert AuditRecord.objects.filter(action="verify_list").count() == 1

    key, _ = _other_party(tmp_path)
    bundles.write_bundle(
        tmp_path / "theirs.zip",
        {
            "persons.pfif.xml": (
                Path(__file__).parents[2] / "io/data/personfinder-test.pfif-1.4.xml"
            ).read_bytes()
        },
        private_key=key,
        kind="pfif",
        description="PFIF",
        organisation="Other Synthetic Party",
        signed_by="clerk",
        created=dt.datetime.now(dt.UTC),
    )
    refused = invoke("import", "pfif", str(tmp_path / "theirs.zip"))
    assert refused.exit_code == 2 and "signed by an unknown key" in said(refused)
    assert Person.objects.count() == before
