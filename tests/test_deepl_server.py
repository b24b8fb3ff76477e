"""The fake DeepL server speaks enough of the API for the real ``deepl`` client."""

from __future__ import annotations

import deepl
import pytest
from deepl.api_data import MultilingualGlossaryDictionaryEntries

from deepl_server import FakeDeepL

pytest_plugins = ["deepl_fixtures"]


@pytest.fixture
def client(deepl_server: FakeDeepL) -> deepl.DeepLClient:
    deepl.http_client.max_network_retries = 0
    return deepl.DeepLClient("k1", server_url=deepl_server.url)


def test_translate_keeps_tags_and_bills_text_nodes(
    client: deepl.DeepLClient, deepl_server: FakeDeepL
) -> None:
    result = client.translate_text(
        ['Hello <em id="1">world</em> <x id="2"/>'], source_lang="EN", target_lang="NL",
        tag_handling="xml", tag_handling_version="v2",
    )
    assert result[0].text == 'hELLO <em id="1">WORLD</em> <x id="2"/>'
    assert result[0].billed_characters == len("Hello world ")
    sent = deepl_server.translate_requests()[-1].body
    assert sent["tag_handling_version"] == "v2"
    assert sent["text"] == ['Hello <em id="1">world</em> <x id="2"/>']
    assert client.get_usage().character.count == len("Hello world ")


def test_limits_and_quota(client: deepl.DeepLClient, deepl_server: FakeDeepL) -> None:
    with pytest.raises(deepl.DeepLException) as too_many:
        client.translate_text(["a"] * 51, target_lang="NL")
    assert too_many.value.http_status_code == 400
    with pytest.raises(deepl.DeepLException) as too_big:
        client.translate_text(["a" * 140_000], target_lang="NL")
    assert too_big.value.http_status_code == 413
    deepl_server.quota["k1"] = 10
    with pytest.raises(deepl.QuotaExceededException):
        client.translate_text(["more than ten characters"], target_lang="NL")


def test_injected_faults(deepl_server: FakeDeepL, client: deepl.DeepLClient) -> None:
    deepl_server.faults = [429, 503]
    for status in (429, 503):
        with pytest.raises(deepl.DeepLException) as err:
            client.translate_text(["a"], target_lang="NL")
        assert err.value.http_status_code == status
    assert client.translate_text("ok", target_lang="NL").text == "OK"


def test_v3_glossary_round_trip(client: deepl.DeepLClient, deepl_server: FakeDeepL) -> None:
    entries = MultilingualGlossaryDictionaryEntries("EN", "NL", {"shop": "winkel"})
    info = client.create_multilingual_glossary("transflow-abc", [entries])
    assert info.creation_time.microsecond >= 0
    assert [g.name for g in client.list_multilingual_glossaries()] == ["transflow-abc"]
    out = client.translate_text("the shop", source_lang="EN", target_lang="NL", glossary=info)
    assert out.text == "THE winkel"
    client.delete_multilingual_glossary(info)
    assert client.list_multilingual_glossaries() == []


def test_form_bodies_are_accepted(deepl_server: FakeDeepL) -> None:
    import requests  # the client's own dependency

    response = requests.post(
        deepl_server.url + "/v2/translate",
        data={"text": ["one", "two"], "target_lang": "NL"},
        headers={"Authorization": "DeepL-Auth-Key k"},
        timeout=5,
    )
    assert [t["text"] for t in response.json()["translations"]] == ["ONE", "TWO"]
