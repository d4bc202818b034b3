"""Signing keys on disk: made on first use, rotated with the old key kept, retired by kid."""

from __future__ import annotations

import stat

import pytest

from auth.errors import Unauthenticated
from auth.tokens import SigningKeys, issue_token, verify
from gateway.cli import main
from gateway.settings import get_settings
from tests.conftest import AUDIENCE, ISSUER


def _token(keys: SigningKeys) -> str:
    return issue_token(
        keys, issuer=ISSUER, audience=AUDIENCE, sub="s", party="OP-1", roles=["operator_staff"]
    )


def _verifies(token: str, keys: SigningKeys) -> bool:
    try:
        verify(token, keys, issuer=ISSUER, audience=AUDIENCE)
    except Unauthenticated:
        return False
    return True


@pytest.fixture
def key_path(tmp_path):
    return tmp_path / "keys" / "signing-key.pem"


def test_the_first_use_makes_a_private_key_named_by_its_thumbprint(key_path):
    # when
    keys = SigningKeys.load_or_create(key_path)
    # then
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert keys.current.kid == keys.current.thumbprint()
    assert SigningKeys.load_or_create(key_path).current.kid == keys.current.kid
    assert [(f.kid, f.current, f.path) for f in SigningKeys.files(key_path)] == [
        (keys.current.kid, True, key_path)
    ]


def test_rotate_keeps_the_old_key_beside_the_new_one(key_path):
    # given
    before = SigningKeys.load_or_create(key_path)
    old_token = _token(before)
    # when
    new_kid = SigningKeys.rotate(key_path)
    after = SigningKeys.load_or_create(key_path)
    # then
    old_kid = before.current.kid
    retired = key_path.with_name(f"signing-key.{old_kid}.pem")
    assert stat.S_IMODE(retired.stat().st_mode) == 0o600
    assert after.current.kid == new_kid != old_kid
    assert [(f.kid, f.current) for f in SigningKeys.files(key_path)] == [
        (old_kid, False),
        (new_kid, True),
    ]
    assert _verifies(old_token, after)
    assert _verifies(_token(after), after)
    assert {k["kid"] for k in after.public_jwks()["keys"]} == {old_kid, new_kid}
    assert all("d" not in k for k in after.public_jwks()["keys"])


def test_retire_deletes_a_retired_key_and_its_tokens_stop_verifying(key_path):
    # given
    old_kid = SigningKeys.load_or_create(key_path).current.kid
    old_token = _token(SigningKeys.load_or_create(key_path))
    SigningKeys.rotate(key_path)
    # when
    removed = SigningKeys.retire(key_path, old_kid or "")
    # then
    keys = SigningKeys.load_or_create(key_path)
    assert not removed.exists()
    assert not _verifies(old_token, keys)
    assert [f.current for f in SigningKeys.files(key_path)] == [True]


def test_retire_refuses_the_current_key_and_unknown_ones(key_path):
    current = SigningKeys.load_or_create(key_path).current.kid or ""
    with pytest.raises(ValueError, match="current signing key"):
        SigningKeys.retire(key_path, current)
    with pytest.raises(ValueError, match="no retired key"):
        SigningKeys.retire(key_path, "A" * 43)
    with pytest.raises(ValueError, match="not a key id"):
        SigningKeys.retire(key_path, "../signing-key")
    assert key_path.exists()


def test_a_retired_key_file_must_hold_the_key_it_is_named_for(key_path):
    SigningKeys.load_or_create(key_path)
    key_path.with_name(f"signing-key.{'B' * 43}.pem").write_bytes(key_path.read_bytes())
    with pytest.raises(ValueError, match="does not hold key"):
        SigningKeys.load_or_create(key_path)


def test_the_cli_lists_rotates_and_retires(key_path, monkeypatch, capsys):
    # given
    monkeypatch.setenv("ACCORD_SIGNING_KEY_FILE", str(key_path))
    get_settings.cache_clear()
    try:
        old_kid = SigningKeys.load_or_create(key_path).current.kid or ""
        # when
        assert main(["keys", "rotate"]) == 0
        assert main(["keys", "list"]) == 0
        listed = capsys.readouterr().out
        # "--": a kid is base64url, and one starting with "-" would read as an option
        refused = main(["keys", "retire", "--", SigningKeys.files(key_path)[-1].kid])
        assert main(["keys", "retire", "--", old_kid]) == 0
    finally:
        get_settings.cache_clear()
    # then
    new_kid = SigningKeys.load_or_create(key_path).current.kid
    assert f"{old_kid}  retired  {key_path.with_name(f'signing-key.{old_kid}.pem')}" in listed
    assert f"{new_kid}  current  {key_path}" in listed
    assert "2 key(s): 1 current, 1 retired" in listed
    assert refused == 2
    assert "current signing key" in capsys.readouterr().err
    assert [f.kid for f in SigningKeys.files(key_path)] == [new_kid]
