"""The address the login throttling counts: REMOTE_ADDR, or the real client behind trusted proxies."""

from typing import Any

from django.test import RequestFactory, override_settings

from accounts.throttle import client_ip


def _request(remote: str, forwarded: str | None = None):
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/connexion/", **extra)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_proxy_it_ignores_the_forwarded_header():
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_it_counts_the_address_the_proxy_saw():
    assert client_ip(_request("127.0.0.1", "198.51.100.1")) == "198.51.100.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_address_on_the_left_is_ignored():
    assert client_ip(_request("127.0.0.1", "10.9.9.9, 198.51.100.1")) == "198.51.100.1"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_connection():
    assert client_ip(_request("127.0.0.1", "198.51.100.1")) == "127.0.0.1"
