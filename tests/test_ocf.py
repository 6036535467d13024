"""The Open Cap Format export, validated offline against the official OCF schemas (a copy in
../shared/reference/ocf/, resolved through a local ``referencing`` registry: no network)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
import referencing
import referencing.exceptions
from conftest import ROOT

from dealkit import bundle, load_deal
from dealkit.export.ocf import FILES, REQUIRED_UNKNOWN, ocf_files, ocf_objects

#: The official schemas: ../shared/reference/ocf beside the clone when present, else the copy
#: vendored under tests/data/ocf (same files, with their licence), so a fresh clone anywhere runs.
_SHARED = ROOT.parent / "shared" / "reference" / "ocf" / "schema"
SCHEMAS = (
    _SHARED
    if (_SHARED / "files" / "OCFManifestFile.schema.json").is_file()
    else ROOT / "tests" / "data" / "ocf" / "schema"
)
BASE = "https://raw.githubusercontent.com/Open-Cap-Table-Coalition/Open-Cap-Format-OCF/main/schema/"


@pytest.fixture(scope="module")
def registry():
    if not (SCHEMAS / "files" / "OCFManifestFile.schema.json").is_file():
        pytest.fail(
            f"the OCF schemas are missing: expected them in {SCHEMAS} (shared/ beside the clone, or tests/data/ocf)"
        )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    resources = []
    for path in SCHEMAS.rglob("*.schema.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT7)))

    def refuse(uri):  # nothing is fetched: an unknown $ref is an error, not a download
        raise referencing.exceptions.NoSuchResource(ref=uri)

    return Registry(retrieve=refuse).with_resources(resources)


def _validate(registry, schema_path: str, instance) -> list[str]:
    schema = registry.contents(BASE + schema_path)
    validator = jsonschema.Draft7Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator.iter_errors(instance)]


@pytest.fixture(scope="module")
def figures():
    return bundle.compute(load_deal())


_OBJECT_SCHEMAS = {
    "ISSUER": "objects/Issuer.schema.json",
    "STAKEHOLDER": "objects/Stakeholder.schema.json",
    "STOCK_CLASS": "objects/StockClass.schema.json",
    "TX_CONVERTIBLE_ISSUANCE": "objects/transactions/issuance/ConvertibleIssuance.schema.json",
    "TX_WARRANT_ISSUANCE": "objects/transactions/issuance/WarrantIssuance.schema.json",
}


def test_every_object_validates_against_its_schema(registry, figures):
    objs = ocf_objects(figures)
    every = [objs["issuer"], *objs["stakeholders"], *objs["stock_classes"], *objs["transactions"]]
    assert [o["object_type"] for o in every].count("TX_CONVERTIBLE_ISSUANCE") == 3  # Term A, Term B, MBN
    assert [o["object_type"] for o in every].count("TX_WARRANT_ISSUANCE") == 2  # Option, Warrant
    for obj in every:
        assert _validate(registry, _OBJECT_SCHEMAS[obj["object_type"]], obj) == [], obj["id"]


def test_every_file_validates_and_the_manifest_checksums_match(registry, figures):
    files = ocf_files(figures)
    assert set(files) == set(FILES.values())
    schemas = {
        "OCF_MANIFEST_FILE": "files/OCFManifestFile.schema.json",
        "OCF_STAKEHOLDERS_FILE": "files/StakeholdersFile.schema.json",
        "OCF_STOCK_CLASSES_FILE": "files/StockClassesFile.schema.json",
        "OCF_TRANSACTIONS_FILE": "files/TransactionsFile.schema.json",
    }
    parsed = {name: json.loads(data) for name, data in files.items()}
    for name, doc in parsed.items():
        assert _validate(registry, schemas[doc["file_type"]], doc) == [], name
    manifest = parsed[FILES["manifest"]]
    for key in ("stakeholders_files", "stock_classes_files", "transactions_files"):
        for ref in manifest[key]:
            assert hashlib.md5(files[ref["filepath"]]).hexdigest() == ref["md5"]  # noqa: S324


def test_a_broken_object_is_refused(registry, figures):
    """The validator really checks: a note without its amount, a bad date, an unknown key fail."""
    tx = next(o for o in ocf_objects(figures)["transactions"] if o["id"] == "tx-term_a")
    assert _validate(registry, _OBJECT_SCHEMAS[tx["object_type"]], tx) == []
    bad = {k: v for k, v in tx.items() if k != "investment_amount"}
    assert _validate(registry, _OBJECT_SCHEMAS[tx["object_type"]], bad)
    assert _validate(registry, _OBJECT_SCHEMAS[tx["object_type"]], {**tx, "date": "2005-13-45"})
    assert _validate(registry, _OBJECT_SCHEMAS[tx["object_type"]], {**tx, "interest": "0.08"})


def test_figures_come_from_the_deal_and_unknowns_are_not_filled(figures):
    deal = figures.deal
    objs = ocf_objects(figures)
    tx = {o["id"]: o for o in objs["transactions"]}
    for key in ("term_a", "term_b", "mbn"):
        assert tx[f"tx-{key}"]["investment_amount"] == {
            "amount": str(int(deal.notes[key].face.value)),
            "currency": "USD",
        }
    assert "tx-revolving" not in tx  # not convertible: named in the manifest instead
    assert any("Secured Revolving Note" in c for c in objs["manifest_comments"])
    option = tx["tx-option"]
    assert option["quantity"] == "140250000" and option["exercise_price"]["amount"] == "0.00001"
    assert "warrant_expiration_date" not in option  # the Expiration Date is never defined
    warrant = tx["tx-warrant"]
    assert {"quantity", "exercise_price", "warrant_expiration_date"}.isdisjoint(warrant)
    assert warrant["quantity_source"] == "UNSPECIFIED"
    assert option["stakeholder_id"] == "stakeholder-gssf" and warrant["stakeholder_id"] == "stakeholder-laurus"
    # every value written only because the schema requires it is flagged where it is written
    text = json.dumps(objs)
    for obj, field in REQUIRED_UNKNOWN:
        assert f"REQUIRED BY OCF, NOT KNOWN: {field}" in text
    assert "Nevada" in " ".join(objs["issuer"]["comments"]) and "Delaware" in " ".join(objs["issuer"]["comments"])
    assert "country_subdivision_of_formation" not in objs["issuer"]


def test_export_writes_the_ocf_folder(tmp_path):
    written = bundle.export(load_deal(), tmp_path, ["ocf"])
    assert sorted(p.name for p in written) == sorted(FILES.values())
    assert all(p.parent == tmp_path / "ocf" for p in written)
    assert not list(Path(tmp_path).rglob("*.tmp"))


def _deal_with(raw: dict, tmp_dir: Path, fcp: str, warrant_shares, warrant_price, authorized: int):
    import copy

    import yaml

    data = copy.deepcopy(raw)
    data["note_terms"]["fixed_conversion_price"] = {"value": fcp, "assumed": "test"}
    data["warrant"]["shares"] = (
        {"value": warrant_shares, "url": "https://example.invalid/w"}
        if warrant_shares is not None
        else data["warrant"]["shares"]
    )
    if warrant_price is not None:
        data["warrant"]["exercise_price"] = {"value": warrant_price, "assumed": "test"}
    data["capitalization"]["authorized_at_closing"] = {"value": authorized, "assumed": "test"}
    path = tmp_dir / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_deal(path)


from conftest import full_or  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=full_or(15, 300), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fcp=st.decimals("0.0001", "5", places=4),
    warrant_shares=st.none() | st.integers(1, 10**9),
    warrant_price=st.none() | st.decimals("0.00001", "10", places=5),
    authorized=st.integers(10**6, 3 * 10**10),
)
def test_ocf_validates_for_any_deal_terms(registry, raw_deal, tmp_path, fcp, warrant_shares, warrant_price, authorized):
    deal = _deal_with(
        raw_deal, tmp_path, str(fcp), warrant_shares, str(warrant_price) if warrant_price else None, authorized
    )
    figures = bundle.compute(deal)
    objs = ocf_objects(figures)
    for obj in [objs["issuer"], *objs["stakeholders"], *objs["stock_classes"], *objs["transactions"]]:
        assert _validate(registry, _OBJECT_SCHEMAS[obj["object_type"]], obj) == [], obj["id"]
    warrant = next(o for o in objs["transactions"] if o["id"] == "tx-warrant")
    assert ("quantity" in warrant) == (warrant_shares is not None)
    assert ("exercise_price" in warrant) == (warrant_price is not None)
    route = authorized < deal.capitalization.series_d_until_authorized.value
    target = "stock-class-series-d" if route else "stock-class-common"
    assert all(
        t["conversion_right"]["converts_to_stock_class_id"] == target
        for o in objs["transactions"]
        for t in o.get("conversion_triggers", o.get("exercise_triggers", []))
    )


def test_vendored_schemas_are_the_official_copy():
    """tests/data/ocf holds the same schema files as ../shared/reference/ocf (when that is beside the clone)."""
    vendored = ROOT / "tests" / "data" / "ocf" / "schema"
    if not _SHARED.is_dir():
        pytest.skip("no ../shared/reference/ocf beside this clone to compare with")
    ours = {p.relative_to(vendored): p.read_bytes() for p in vendored.rglob("*.json")}
    theirs = {p.relative_to(_SHARED): p.read_bytes() for p in _SHARED.rglob("*.json")}
    assert ours == theirs
