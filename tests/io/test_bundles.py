"""Signed list bundles without a database: sign, verify, and every kind of tampering refused by name."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from homecoming.errors import SignatureError
from homecoming.io import bundles

WHEN = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
FILES = {
    "dead.csv": "external_id,family_name\nP-1,Тестенко\n".encode(),
    "dead.json": b'[{"external_id": "P-1"}]\n',
}


def _public(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def _sign(target: Path, key: Ed25519PrivateKey) -> dict[str, object]:
    return bundles.write_bundle(
        target,
        FILES,
        private_key=key,
        kind="dead",
        description="persons believed or confirmed dead",
        organisation="Synthetic Bureau",
        signed_by="registrar",
        created=WHEN,
        rows=1,
    )


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def trusted(key: Ed25519PrivateKey) -> dict[str, bundles.TrustedKey]:
    return {_public(key): bundles.TrustedKey(_public(key), "Synthetic Bureau")}


@pytest.mark.parametrize("name", ["bundle", "bundle.zip"])
def test_a_signed_bundle_verifies_and_gives_its_files(
    tmp_path: Path, key: Ed25519PrivateKey, trusted: dict[str, bundles.TrustedKey], name: str
) -> None:
    manifest = _sign(tmp_path / name, key)
    assert manifest["key"]["fingerprint"] == bundles.fingerprint(_public(key))  # type: ignore[index]
    got = bundles.read_bundle(tmp_path / name, trusted)
    assert got.files == FILES
    assert got.kind == "dead"
    assert got.signer.name == "Synthetic Bureau"
    assert got.manifest["created"] == "2026-03-01T12:00:00+00:00"
    shown = {f["name"]: f["sha256"] for f in got.manifest["files"]}
    assert set(shown) == set(FILES)


def test_the_manifest_says_what_who_when_and_which_key(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    _sign(tmp_path / "b", key)
    m = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert m["list"] == {"kind": "dead", "description": "persons believed or confirmed dead", "rows": 1}
    assert (m["organisation"], m["signed_by"], m["created"]) == (
        "Synthetic Bureau",
        "registrar",
        WHEN.isoformat(),
    )
    assert m["key"]["algorithm"] == "Ed25519"
    assert m["key"]["key_id"] == bundles.key_id(_public(key))
    import hashlib

    assert m["files"][0] == {
        "name": "dead.csv",
        "sha256": hashlib.sha256(FILES["dead.csv"]).hexdigest(),
        "bytes": len(FILES["dead.csv"]),
    }


def _refused(path: Path, trusted: dict[str, bundles.TrustedKey]) -> str:
    with pytest.raises(SignatureError) as caught:
        bundles.read_bundle(path, trusted)
    assert caught.value.exit_code == 2
    return str(caught.value)


def test_one_changed_byte_is_refused_and_the_file_named(
    tmp_path: Path, key: Ed25519PrivateKey, trusted: dict[str, bundles.TrustedKey]
) -> None:
    _sign(tmp_path / "b", key)
    data = bytearray((tmp_path / "b" / "dead.json").read_bytes())
    data[5] ^= 0x01
    (tmp_path / "b" / "dead.json").write_bytes(bytes(data))
    text = _refused(tmp_path / "b", trusted)
    assert "dead.json: was changed: its SHA-256 is" in text
    assert "dead.csv" not in text


def test_a_changed_byte_inside_a_zip_is_named_too(
    tmp_path: Path, key: Ed25519PrivateKey, trusted: dict[str, bundles.TrustedKey]
) -> None:
    _sign(tmp_path / "b.zip", key)
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["dead.csv"] = files["dead.csv"].replace("Тестенко".encode(), "Тестенкo".encode())
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as z:
        for n, d in files.items():
            z.writestr(n, d)
    assert "dead.csv: was changed" in _refused(tmp_path / "c.zip", trusted)


def test_a_file_added_is_refused_and_named(
    tmp_path: Path, key: Ed25519PrivateKey, trusted: dict[str, bundles.TrustedKey]
) -> None:
    _sign(tmp_path / "b", key)
    (tmp_path / "b" / "extra.csv").write_text("x\n", encoding="utf-8")
    assert "extra.csv: was added: it is not in the signed manifest" in _refused(tmp_path / "b", trusted)


def test_a_file_removed_is_refused_and_named(
    tmp_path: Path, key: Ed25519PrivateKey, trusted: dict[str, bundles.TrustedKey]
) -> None:
    _sign(tmp_path / "b", key)
    (tmp_path / "b" / "dead.csv").unlink()
    assert "dead.csv: is listed in the manifest but missing from the bundle" in _refused(
        tmp_path / "b", trusted
    )


def test_every_problem_is_named_at_once(
    tmp_path: Path, key: Ed25519PrivateKey, trusted: dict[str, bundles.TrustedKey]
) -> None:
    _sign(tmp_path / "b", key)
    (tmp_path / "b" / "dead.csv").unlink()
    (tmp_path / "b" / "dead.json").write_bytes(b"[]\n")
    (tmp_path / "b" / "notes.txt").write_bytes(b"added\n")
    with pytest.raises(SignatureError) as caught:
        bundles.read_bundle(tmp_path / "b", trusted)
    assert [p.field for p in caught.value.problems] == ["dead.csv", "dead.json", "notes.txt"]
    assert str(caught.value).startswith("3 problems in bundle b (nothing imported)")


def test_a_changed_manifest_fails_its_signature(
    tmp_path: Path, key: Ed25519PrivateKey, trusted: dict[str, bundles.TrustedKey]
) -> None:
    _sign(tmp_path / "b", key)
    path = tmp_path / "b" / "manifest.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"rows": 1', '"rows": 2'), encoding="utf-8")
    assert "its signature does not verify" in _refused(tmp_path / "b", trusted)


def test_a_signature_by_an_unknown_key_is_refused_with_its_fingerprint(
    tmp_path: Path, trusted: dict[str, bundles.TrustedKey]
) -> None:
    stranger = Ed25519PrivateKey.generate()
    _sign(tmp_path / "b", stranger)
    text = _refused(tmp_path / "b", trusted)
    assert f"signed by an unknown key {bundles.fingerprint(_public(stranger))}" in text
    assert "'Synthetic Bureau'" in text  # whom the manifest claims


def test_a_revoked_key_is_refused_and_a_retired_one_only_after_retirement(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    _sign(tmp_path / "b", key)
    public = _public(key)
    revoked = {public: bundles.TrustedKey(public, "Synthetic Bureau", revoked=WHEN + dt.timedelta(days=9))}
    assert "revoked on 2026-03-10" in _refused(tmp_path / "b", revoked)
    later = {public: bundles.TrustedKey(public, "Synthetic Bureau", retired=WHEN + dt.timedelta(days=1))}
    assert bundles.read_bundle(tmp_path / "b", later).files == FILES
    earlier = {public: bundles.TrustedKey(public, "Synthetic Bureau", retired=WHEN - dt.timedelta(days=1))}
    assert "retired on 2026-02-28" in _refused(tmp_path / "b", earlier)


def test_a_folder_without_manifest_or_signature_is_not_a_bundle(
    tmp_path: Path, trusted: dict[str, bundles.TrustedKey]
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "dead.csv").write_bytes(FILES["dead.csv"])
    text = _refused(tmp_path / "b", trusted)
    assert "manifest.json: is missing" in text and "manifest.json.sig: is missing" in text


def test_a_bundle_is_never_overwritten_and_file_names_are_plain(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    _sign(tmp_path / "b", key)
    with pytest.raises(SignatureError, match="already exists"):
        _sign(tmp_path / "b", key)
    with pytest.raises(SignatureError, match="cannot be a file of a bundle"):
        bundles.manifest_for(
            {"../x.csv": b""},
            kind="files",
            description="",
            organisation="",
            signed_by="",
            public_key=_public(key),
            created=WHEN,
        )
