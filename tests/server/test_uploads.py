"""The catalogue's signed uploads on both databases: only the signer's own uploads are taken,
sizes and types are checked (by content, never by name), documents are validated against
their schema, the bytes are stored and served exactly as uploaded (their hash is the one asked
for), each address is rate limited, and what no listing references is dropped after the
configured time (a listing document and a profile stay while a listing or a published
signed offer names them)."""

import json
import time

import brownie
import requests
from eth_utils.crypto import keccak
from web3 import Web3

from bazaar import catalogue
from bazaar.clients import offers as offer_client
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.settings import USD
from bazaar.tx import TxSender
from tests.server.conftest import (
    SELLER,
    SIGNERS,
    listing_document,
    png,
    put_on_sale,
    running,
)
from tests.support.cli import rpc_url


def refused(answer, status, *fragments):
    assert answer.status_code == status, (answer.status_code, answer.text)
    error = answer.json()["error"]
    for fragment in fragments:
        assert fragment in error, error
    return error


def test_a_document_signed_by_someone_else_is_refused_and_not_stored(api):
    document = listing_document("Signed by the wrong key")
    digest = catalogue.content_hash(document)
    forged = api.upload("documents", document, signer="buyer", uploader=SELLER)
    refused(forged, 403, f"names {SELLER} as its uploader", SIGNERS["buyer"].address)
    unsigned = requests.post(
        api.url + "/api/documents",
        data=document,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    refused(unsigned, 400, "an upload is signed")
    garbled = api.upload("documents", document, uploader="0x1234")
    refused(garbled, 400, "bad uploader")
    profile = json.dumps(
        {"schema": catalogue.PROFILE_SCHEMA, "account": SELLER, "name": "Not the buyer's"}
    ).encode()
    refused(api.upload("documents", profile, signer="buyer"), 403, f"a profile of {SELLER}")
    assert api.get(f"/api/documents/{digest}").status_code == 404
    assert api.get(f"/api/documents/{catalogue.content_hash(profile)}").status_code == 404


def test_an_oversized_document_and_an_oversized_image_are_413(api):
    at_limit = listing_document("Padded").ljust(catalogue.MAX_DOCUMENT_BYTES)
    assert len(at_limit) == 64 * 1024
    assert api.upload("documents", at_limit).status_code == 201
    over = listing_document("Padded").ljust(catalogue.MAX_DOCUMENT_BYTES + 1)
    refused(api.upload("documents", over), 413, "a document is at most 65,536 bytes")
    chunked = requests.post(  # no Content-Length: refused while reading
        api.url + "/api/documents",
        data=iter([over[:40_000], over[40_000:]]),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    refused(chunked, 413, "a document is at most")
    image = png(1)
    huge = image + b"\x00" * (catalogue.MAX_IMAGE_BYTES + 1 - len(image))
    refused(api.upload("images", huge), 413, "an image is at most 2,097,152 bytes")
    assert api.get(f"/api/images/{catalogue.content_hash(huge)}").status_code == 404


def test_bytes_that_are_not_an_image_sent_as_a_png_are_415(api):
    fake = b"<html><script>alert(1)</script></html> saved as photo.png"
    refused(api.upload("images", fake), 415, "not a PNG, JPEG, WebP or GIF image")
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    refused(api.upload("images", jpeg, content_type="image/png"), 415, "the bytes are JPEG")
    refused(api.upload("images", png(2), content_type="text/html"), 415, "not text/html")
    document = listing_document("Sent as text")
    refused(api.upload("documents", document, content_type="text/plain"), 415, "application/json")
    latin = "application/json; charset=latin-1"
    refused(api.upload("documents", document, content_type=latin), 415, "(UTF-8)")
    declared = api.upload("documents", document, content_type="application/json; charset=UTF-8")
    assert declared.status_code == 201
    assert api.get(f"/api/images/{catalogue.content_hash(fake)}").status_code == 404
    as_bytes = api.upload("images", jpeg, content_type="application/octet-stream")
    assert as_bytes.status_code == 201 and as_bytes.json()["contentType"] == "image/jpeg"


def test_malformed_json_and_documents_outside_the_schema_are_400(api):
    too_long = listing_document("x" * 141)
    for body, reason in (
        (b'{"schema": "bazaar.listing/1", "title": ', "malformed JSON"),
        (b'{"schema": "bazaar.listing/1", "title": "a", "title": "b"}', "appears twice"),
        (b'{"schema": "bazaar.listing/1", "title": "a", "price": 5}', "unknown field(s)"),
        (b'{"schema": "bazaar.listing/2", "title": "a"}', "unknown schema"),
        (b'{"schema": "bazaar.listing/1", "title": "a", "images": ["0xAB"]}', "image hash"),
        (b'{"schema": "bazaar.listing/1", "title": "a\\u0000"}', "control character"),
        (b'{"schema": "bazaar.listing/1", "title": NaN}', "NaN is not JSON"),
        (b'["bazaar.listing/1"]', "a document is a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
        (too_long, "title has 141 characters; at most 140"),
    ):
        refused(api.upload("documents", body), 400, reason)
        assert api.get(f"/api/documents/{catalogue.content_hash(body)}").status_code == 404


def test_a_document_with_script_in_its_title_is_stored_and_served_byte_exact(api, suite):
    body = (
        b'{ "schema":"bazaar.listing/1",\n  "title" : "<script>alert(\\"x\\")</script> caf\\u00e9",'
        b'\n  "images": ["' + catalogue.content_hash(png(3)).encode() + b'"] }\n'
    )
    digest = catalogue.content_hash(body)
    first = api.upload("documents", body)
    assert first.status_code == 201 and first.json()["hash"] == digest
    again = api.upload("documents", body)
    assert again.status_code == 200 and again.json()["created"] is False
    served = api.get(f"/api/documents/{digest}")
    assert served.status_code == 200 and served.content == body
    assert "0x" + keccak(served.content).hex() == digest
    assert served.headers["Content-Type"] == "application/json"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["X-Bazaar-Uploader"] == SELLER
    uploader = catalogue.recover_uploader(digest, served.headers["X-Bazaar-Signature"])
    assert uploader == SELLER
    unchanged = api.http.get(
        f"{api.url}/api/documents/{digest}", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert unchanged.status_code == 304 and unchanged.content == b""
    image = png(3)
    assert api.upload("images", image).status_code == 201
    picture = api.get(f"/api/images/{catalogue.content_hash(image)}")
    assert picture.content == image and picture.headers["Content-Type"] == "image/png"
    assert "immutable" in picture.headers["Cache-Control"]
    assert api.get(f"/api/documents/{catalogue.content_hash(image)}").status_code == 404
    listing = put_on_sale(suite, 9, body)
    api.wait_indexed()
    title = api.json(f"/api/listings/{listing}")["listing"]["title"]
    assert title == '<script>alert("x")</script> caf\u00e9'  # the page escapes it


def test_a_profile_is_found_by_its_account(api):
    profile = json.dumps(
        {
            "schema": catalogue.PROFILE_SCHEMA,
            "account": SELLER.lower(),
            "name": "Lamp shop",
            "encryptionPublicKey": "0x" + "42" * 32,
        }
    ).encode()
    done = api.upload("documents", profile)
    assert done.status_code == 201 and done.json()["kind"] == "profile"
    found = api.json(f"/api/profiles/{SELLER}")
    assert found["hash"] == catalogue.content_hash(profile)
    assert api.get(f"/api/documents/{found['hash']}").content == profile


def test_uploads_beyond_the_rate_limit_are_429(suite, db_url):
    with running(suite, db_url, upload_limit=3, upload_window=600) as api:
        for n in range(3):
            assert api.upload("documents", listing_document(f"Item {n}")).status_code == 201
        error = refused(
            api.upload("documents", listing_document("One too many")), 429, "3 uploads in 600 s"
        )
        blocked = api.upload("images", png(4))
        assert blocked.status_code == 429 and 0 < int(blocked.headers["Retry-After"]) <= 600
        assert "try again in" in error
        other = api.upload("documents", listing_document("Another seller"), signer="buyer")
        assert other.status_code == 201  # the limit is per address


def test_replaying_a_public_signed_upload_costs_its_uploader_no_quota(suite, db_url):
    """A stored upload's signature is public (X-Bazaar-Signature): replays of it must not
    use up its uploader's quota (a lock-out found in review)."""
    with running(suite, db_url, upload_limit=2, upload_window=600) as api:
        profile = json.dumps(
            {"schema": catalogue.PROFILE_SCHEMA, "account": SELLER, "name": "Lamp shop"}
        ).encode()
        assert api.upload("documents", profile).status_code == 201
        stored = api.get(f"/api/documents/{catalogue.content_hash(profile)}")
        replay = {
            "Content-Type": "application/json",
            catalogue.UPLOADER_HEADER: stored.headers[catalogue.UPLOADER_HEADER],
            catalogue.SIGNATURE_HEADER: stored.headers[catalogue.SIGNATURE_HEADER],
        }
        for _ in range(5):  # anyone, from anywhere
            again = api.http.post(f"{api.url}/api/documents", data=profile, headers=replay)
            assert again.status_code == 200 and again.json()["created"] is False
        assert api.upload("documents", listing_document("Still mine")).status_code == 201


def test_unreferenced_uploads_are_dropped_after_the_configured_time_and_referenced_ones_kept(
    suite, db_url
):
    kept_image, lost_image, stray_image = png(10), png(11), png(12)

    def named(title, image):
        return listing_document(title, images=[catalogue.content_hash(image)])

    kept, lost = named("On sale", kept_image), named("Never listed", lost_image)
    with running(suite, db_url, keep_unreferenced=1) as api:
        put_on_sale(suite, 20, kept)  # referenced from the start
        api.wait_indexed()
        for collection, body in (
            ("documents", kept), ("documents", lost),
            ("images", kept_image), ("images", lost_image), ("images", stray_image),
        ):  # fmt: skip
            assert api.upload(collection, body).status_code == 201

        def gone(collection, body):
            return api.get(f"/api/{collection}/{catalogue.content_hash(body)}").status_code == 404

        api.wait_until(
            lambda: gone("documents", lost) and gone("images", lost_image)
            and gone("images", stray_image),
            "the unreferenced uploads dropped",
        )  # fmt: skip
        for _ in range(3):  # a few more passes of the collector: the referenced ones stay
            passes = api.json("/api/status")["follower"]["passes"]
            api.wait_until(lambda p=passes: api.json("/api/status")["follower"]["passes"] > p, "")
        assert api.get(f"/api/documents/{catalogue.content_hash(kept)}").content == kept
        assert api.get(f"/api/images/{catalogue.content_hash(kept_image)}").content == kept_image
        collected = [entry for entry in api.log if entry["event"] == "collected"]
        assert sum(e["documents"] for e in collected) == 1
        assert sum(e["images"] for e in collected) == 2


def test_the_description_and_profile_of_a_seller_who_only_signs_offers_are_kept(suite, db_url):
    offered = listing_document("Offered by signature")
    profile = json.dumps(
        {"schema": catalogue.PROFILE_SCHEMA, "account": SELLER.lower(), "name": "Offer shop"}
    ).encode()
    stray = listing_document("Named by nothing")
    with running(suite, db_url, keep_unreferenced=1) as api:
        for body in (offered, profile, stray):
            assert api.upload("documents", body).status_code == 201
        w3 = Web3(Web3.HTTPProvider(rpc_url()))
        market = MarketplaceClient(w3, suite["market"].address, TxSender(w3, SIGNERS["seller"]))
        expiry = max(int(time.time()), brownie.chain.time()) + 3_600
        metadata = bytes.fromhex(catalogue.content_hash(offered)[2:])
        signed = offer_client.sign_offer(
            market, SIGNERS["seller"], 10 * USD, 2, [suite["usdc"].address], expiry,
            metadata_hash=metadata,
        )  # fmt: skip
        published = api.http.post(f"{api.url}/api/offers", data=json.dumps(signed.to_json()))
        assert published.status_code == 201, published.text
        api.wait_until(
            lambda: api.get(f"/api/documents/{catalogue.content_hash(stray)}").status_code == 404,
            "the stray document dropped",
        )
        for _ in range(2):  # more passes of the collector: the offer's documents stay
            passes = api.json("/api/status")["follower"]["passes"]
            api.wait_until(lambda p=passes: api.json("/api/status")["follower"]["passes"] > p, "")
        assert api.get(f"/api/documents/{catalogue.content_hash(offered)}").content == offered
        assert api.get(f"/api/profiles/{SELLER}").status_code == 200
