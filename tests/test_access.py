"""Roles and pseudonyms: who may do what once people sign in, and what records carry instead of a name."""

from __future__ import annotations

import pytest

from workbench.access import SANDBOX, Action, User, pseudonym, roles_of, signed_in_user
from workbench.config import Roles, load_settings

CONFIG = Roles(
    claim="roles", members={"datenschutz": frozenset({"dsb@kommune.de"}), "admin": frozenset({"sub-7"})}
)


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"roles": ["trainer", "Sachbearbeitung"]}, {"trainer"}),  # unknown role names are ignored
        ({"roles": "trainer admin"}, {"trainer", "admin"}),
        ({"roles": "Trainer,Datenschutz"}, {"trainer", "datenschutz"}),
        ({"email": "DSB@Kommune.de"}, {"datenschutz"}),  # from workbench.toml, case-insensitive
        ({"sub": "sub-7", "roles": None}, {"admin"}),
        ({"roles": {"trainer": True}}, set()),  # not a list or text: no role
        ({}, set()),
    ],
)
def test_roles_come_from_the_claim_and_from_the_configuration(claims, expected):
    assert roles_of(claims, CONFIG) == frozenset(expected)


def test_a_dotted_claim_reaches_into_keycloaks_structure():
    keycloak = Roles(claim="realm_access.roles")
    assert roles_of({"realm_access": {"roles": ["offline_access", "trainer"]}}, keycloak) == {"trainer"}
    assert roles_of({"realm_access": "kaputt"}, keycloak) == frozenset()


def test_the_pseudonym_is_stable_keyed_and_carries_no_name():
    first = pseudonym("geheim", "https://login.kommune.de", "a1b2")
    assert first == pseudonym("geheim", "https://login.kommune.de", "a1b2")  # every instance, every time
    assert first != pseudonym("anderer-schluessel", "https://login.kommune.de", "a1b2")
    assert first != pseudonym("geheim", "https://anderer-idp.de", "a1b2")
    user = signed_in_user(
        {"sub": "a1b2", "iss": "https://login.kommune.de", "name": "Anna Weber", "email": "a@k.de"},
        CONFIG,
        "geheim",
    )
    assert user.pseudonym == first and user.display_name == "Anna Weber"
    assert "anna" not in first.lower() and "a1b2" not in first


def test_what_each_role_may_do():
    participant = User(signed_in=True, sandbox=False, pseudonym="p-1")
    trainer = User(signed_in=True, sandbox=False, roles=frozenset({"trainer"}))
    for action in Action:
        assert SANDBOX.may(action)  # the single-person sandbox: everything, as before
        assert not participant.may(action)
    assert trainer.may(Action.MANAGE_WORKSHOPS)
    assert not trainer.may(Action.READ_PROTOCOL) and not trainer.may(Action.ADMINISTER_MODELS)
    refusal = participant.refusal(Action.READ_PROTOCOL)
    assert "Rolle „Datenschutz“" in refusal and "Administration der KI-Werkbank" in refusal
    assert trainer.role_labels == ["Workshop-Leitung"]


def test_roles_section_is_checked(tmp_path):
    config = tmp_path / "workbench.toml"
    config.write_text(
        '[roles]\nclaim = "groups"\ntrainer = "anna@kommune.de"\ntrainerin = ["x"]\n', encoding="utf-8"
    )
    settings = load_settings(env={}, path=config)
    problems = [str(p) for p in settings.problems]
    assert any("roles.trainer" in p and "Liste" in p for p in problems)
    assert any("trainerin" in p for p in problems)  # a misspelt role is named
    assert settings.roles.claim == "groups"


def test_without_sign_in_the_start_page_says_it_is_a_single_person_sandbox(workbench_env):
    from tests.test_pages import load, no_exception, texts

    at = load("app.py")
    no_exception(at)
    assert "Einzelplatz-Sandbox" in texts(at.caption)
    for page in ("views/evaluation.py", "views/workshop.py"):  # everything open, as before
        assert "Rolle „" not in texts(load(page).warning) + texts(load(page).info)
