"""Input checked at the edge: global IDs, cursors, countries and national IDs.

Valid national IDs below are computed, not guessed: the Chinese one is GB 11643's own example,
the first French one the usual published NIR example (key 80), the others were computed with
the weights and moduli of each standard.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
from typing import Any

import pytest
from sqlalchemy import func, select

from demo.scale import chinese, french, moroccan, people, vietnamese
from stakeholders.common.relay import MAX_KEY, decode_global_id, page_request, to_global_id
from stakeholders.delivery.enrolling import trainee_key
from stakeholders.delivery.models import Enrollment, Trainee
from stakeholders.errors import BadInput, NotFound
from stakeholders.validation import check_country, check_national_id
from tests.factories import World, build_world

HUGE = 99999999999999999999999  # past 64 bits: raised OverflowError before it was checked

NODE = "query($id: ID!) { node(id: $id) { id ... on Programme { code } } }"

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Programme { id code } }
}
"""

PARTIES = "query($after: String) { parties(first: 5, after: $after) { totalCount } }"

PARTIES_OF = "query($country: String) { parties(country: $country) { totalCount } }"

CREATE_COHORT = """
mutation Create($input: CreateCohortInput!) {
  createCohort(input: $input) { cohort { id code } }
}
"""

ENROLL = """
mutation Enroll($input: EnrollTraineesInput!) {
  enrollTrainees(input: $input) {
    results { row outcome reason field enrollment { trainee { nationalId } } }
  }
}
"""


def b64(text: str) -> str:
    """Text encoded as our global IDs and cursors are (URL-safe base64, unpadded)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cohort_input(programme_id: str) -> dict[str, Any]:
    return {
        "programmeId": programme_id,
        "code": "K1",
        "mode": "IN_PERSON",
        "startsOn": "2026-03-02",
        "endsOn": "2026-06-26",
        "capacity": 30,
        "districtCode": "DIST-1",
    }


def person(country: str, national_id: str) -> dict[str, Any]:
    return {
        "country": country,
        "nationalId": national_id,
        "fullName": "Lê Thị Thu",
        "gender": "FEMALE",
        "employmentStatus": "JOB_SEEKER",
    }


def _error(body: dict[str, Any]) -> dict[str, Any]:
    assert len(body["errors"]) == 1, body
    return dict(body["errors"][0]["extensions"])


async def _count(session, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def world(session) -> World:
    return await build_world(session)


@pytest.fixture
def operator_client(client_for):
    return client_for("OP-1", "operator_staff")


@pytest.fixture
async def cohort_id(world, operator_client) -> str:
    body = await operator_client.execute(
        CREATE_COHORT, input=cohort_input(to_global_id("Programme", world.programme.id))
    )
    assert "errors" not in body, body
    return str(body["data"]["createCohort"]["cohort"]["id"])


# Global IDs and cursors over HTTP.


@pytest.mark.parametrize("pk", [HUGE, MAX_KEY + 1, 0, -1])
async def test_node_of_a_number_no_row_can_have_is_null(world, operator_client, pk):
    # when
    body = await operator_client.execute(NODE, id=to_global_id("Programme", pk))
    # then: as for a row the caller may not see; nothing reached the database to overflow
    assert body == {"data": {"node": None}}


async def test_node_at_the_largest_key_is_null_and_a_real_one_is_found(world, operator_client):
    # when
    edge = await operator_client.execute(NODE, id=to_global_id("Programme", MAX_KEY))
    real = await operator_client.execute(NODE, id=to_global_id("Programme", world.programme.id))
    # then
    assert edge == {"data": {"node": None}}
    assert real["data"]["node"]["code"] == "PROG-1"


async def test_an_entity_of_a_huge_number_is_null(world, anonymous_client):
    # given
    representations = [{"__typename": "Programme", "id": to_global_id("Programme", HUGE)}]
    # when
    body = await anonymous_client.execute(ENTITIES, representations=representations)
    # then
    assert body == {"data": {"_entities": [None]}}


async def test_a_mutation_given_a_huge_id_is_not_found(world, operator_client):
    # when
    body = await operator_client.execute(
        CREATE_COHORT, input=cohort_input(to_global_id("Programme", HUGE))
    )
    # then
    assert _error(body) == {"code": "NOT_FOUND", "field": "programmeId"}
    assert body["data"]["createCohort"] is None


@pytest.mark.parametrize(
    "malformed",
    [
        "not base64!",
        b64("Programme"),  # no ':'
        b64("Programme:abc"),  # not an integer
        b64("Programme:1_0"),  # int() reads it, we do not
        b64("Programme:١٢"),  # Arabic-Indic digits
        base64.urlsafe_b64encode(b"Programme:\xff1").decode(),  # not UTF-8
    ],
)
async def test_a_malformed_id_is_bad_input_naming_the_field(world, operator_client, malformed):
    # when
    body = await operator_client.execute(CREATE_COHORT, input=cohort_input(malformed))
    # then
    assert _error(body) == {"code": "BAD_INPUT", "field": "programmeId"}


async def test_a_lone_surrogate_in_an_id_is_bad_input(world, http):
    # given: JSON may carry an unpaired surrogate escape, which Python keeps as one
    payload = json.dumps({"query": NODE, "variables": {"id": "\ud800"}})
    # when
    response = await http.post(
        "/graphql", content=payload, headers={"Content-Type": "application/json"}
    )
    # then
    assert _error(response.json()) == {"code": "BAD_INPUT", "field": "id"}


async def test_a_cursor_with_a_huge_number_is_bad_input(world, anonymous_client):
    # when
    body = await anonymous_client.execute(PARTIES, after=b64(f"cursor:{HUGE}"))
    # then
    assert _error(body) == {"code": "BAD_INPUT", "field": "after"}


async def test_parties_of_an_unassigned_country_are_bad_input(world, anonymous_client):
    # when
    refused = await anonymous_client.execute(PARTIES_OF, country="XX")
    french = await anonymous_client.execute(PARTIES_OF, country=" fr ")
    # then
    assert _error(refused) == {"code": "BAD_INPUT", "field": "country"}
    assert french["data"]["parties"]["totalCount"] == 1


# Global IDs and cursors, decoded.


def test_a_global_id_decodes_to_its_type_and_key():
    assert decode_global_id(to_global_id("Programme", 42)) == ("Programme", 42)
    assert decode_global_id(b64("Programme:42") + "==") == ("Programme", 42)  # padded
    assert decode_global_id(to_global_id("Programme", MAX_KEY)) == ("Programme", MAX_KEY)


@pytest.mark.parametrize("digits", ["0", "000", "-7", str(MAX_KEY + 1), str(HUGE), "9" * 5000])
def test_a_key_no_row_can_have_is_not_found(digits):
    with pytest.raises(NotFound) as raised:
        decode_global_id(b64(f"Programme:{digits}"), field="programmeId")
    assert raised.value.extensions == {"field": "programmeId"}


@pytest.mark.parametrize(
    "malformed", ["", "\ud800", "UHJvZ3JhbW1lOjE!", b64(":1"), b64("Programme: 1"), "A"]
)
def test_a_malformed_global_id_is_bad_input(malformed):
    with pytest.raises(BadInput, match="programmeId is not a valid ID"):
        decode_global_id(malformed, field="programmeId")


def test_cursors_past_the_largest_key_are_refused():
    assert page_request(5, b64(f"cursor:{MAX_KEY}"), 50).after == MAX_KEY
    for after in (b64(f"cursor:{MAX_KEY + 1}"), b64("cursor:-1"), b64("Programme:3")):
        with pytest.raises(BadInput, match="after is not a cursor"):
            page_request(5, after, 50)


# Countries.


def test_a_country_is_an_assigned_alpha_2_code():
    assert check_country(" vn ") == "VN"
    assert check_country("fr") == "FR"
    for refused in ("XX", "ZZ", "UK", "EU", "VNM", "V", "", "Viet"):
        with pytest.raises(BadInput, match="ISO 3166-1 alpha-2") as raised:
            check_country(refused)
        assert raised.value.extensions == {"field": "country"}


# National IDs, per country.


def _refusal(country: str, value: str) -> str:
    with pytest.raises(BadInput) as raised:
        check_national_id(country, value)
    assert raised.value.extensions == {"field": "nationalId"}
    return raised.value.message


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        ("11010519491231002X", "11010519491231002X"),  # GB 11643's example
        ("11010519491231002x", "11010519491231002X"),
        (" 110105 19491231 002X ", "11010519491231002X"),
        ("440308199003071235", "440308199003071235"),
        ("500236200106153016", "500236200106153016"),
    ],
)
def test_a_chinese_resident_id_is_accepted_normalised(value, normal):
    assert check_national_id("CN", value) == normal


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("110105194912310021", "check character"),
        ("440308199003071234", "check character"),
        ("11010519491331002X", "birth date"),  # month 13
        ("110105194902300021", "birth date"),  # 30 February
        ("110105209901010012", "birth date"),  # not born yet
        ("110105189912310012", "birth date"),  # before 1900
        ("1101051949123100", "18 characters"),
        ("11010519491231002Y", "18 characters"),
        ("1", "18 characters"),
    ],
)
def test_a_bad_chinese_resident_id_is_refused_saying_why(value, why):
    message = _refusal("CN", value)
    assert message.startswith("nationalId is not a valid Chinese resident identity number")
    assert why in message


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        ("079000000001", "079000000001"),
        ("052190012345", "052190012345"),
        ("052 1 90 012345", "052190012345"),
        ("001300000000", "001300000000"),
        ("096999999999", "096999999999"),
    ],
)
def test_a_vietnamese_citizen_id_is_accepted_normalised(value, normal):
    assert check_national_id("VN", value) == normal


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("000190012345", "province code"),
        ("097190012345", "province code"),
        ("05219001234", "12 digits"),
        ("0521900123456", "12 digits"),
        ("05219001234A", "12 digits"),
        ("1", "12 digits"),
    ],
)
def test_a_bad_vietnamese_citizen_id_is_refused_saying_why(value, why):
    message = _refusal("VN", value)
    assert message.startswith("nationalId is not a valid Vietnamese citizen identity number")
    assert why in message


@pytest.mark.parametrize(
    ("value", "normal"),
    [("AB123456", "AB123456"), ("J12345", "J12345"), ("be 7", "BE7"), ("K1", "K1")],
)
def test_a_moroccan_cin_is_accepted_normalised(value, normal):
    assert check_national_id("MA", value) == normal


@pytest.mark.parametrize("value", ["ABC12345", "AB1234567", "123456", "AB", "A-12345", "1"])
def test_a_bad_moroccan_cin_is_refused(value):
    message = _refusal("MA", value)
    assert message == (
        "nationalId is not a valid Moroccan national identity card number (CIN) "
        "(1 or 2 letters, then 1 to 6 digits)"
    )


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        ("269054958815780", "269054958815780"),  # the usual published example
        ("2 69 05 49 588 157 80", "269054958815780"),
        ("185057800608491", "185057800608491"),
        ("291032a00401282", "291032A00401282"),  # born in Corse-du-Sud: 2A counts as 19
        ("177012B03104567", "177012B03104567"),  # born in Haute-Corse: 2B counts as 18
        ("385059935000151", "385059935000151"),  # sex 3: a provisional number
        ("785059935000145", "785059935000145"),  # sex 7: a temporary number
    ],
)
def test_a_french_nir_is_accepted_normalised(value, normal):
    assert check_national_id("FR", value) == normal


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("269054958815781", "key"),
        ("291032A00401283", "key"),
        ("569054958815780", "15 characters"),  # no such sex digit
        ("26905495881578", "15 characters"),
        ("2690549588157800", "15 characters"),
        ("2690A49588157 80", "15 characters"),
        ("1", "15 characters"),
    ],
)
def test_a_bad_french_nir_is_refused_saying_why(value, why):
    message = _refusal("FR", value)
    assert message.startswith("nationalId is not a valid French social security number (NIR)")
    assert why in message


def test_other_countries_take_letters_digits_dashes_and_slashes():
    assert check_national_id("DE", " t22000129 ") == "T22000129"
    assert check_national_id("gb", "ab-12/3 4") == "AB-12/34"
    assert check_national_id("JP", "1" * 40) == "1" * 40
    for refused in ("A_B", "1" * 41, "Ü123", "12.34"):
        assert _refusal("DE", refused) == "nationalId must be 1-40 letters A-Z, digits, '-' or '/'"
    assert _refusal("DE", "   ") == "nationalId must not be empty"


def test_the_trainee_key_is_the_checked_country_and_normalised_id():
    assert trainee_key(" fr", "2 69 05 49 588 157 80") == ("FR", "269054958815780")
    with pytest.raises(BadInput, match="ISO 3166-1"):
        trainee_key("XX", "1")


def test_the_demo_generators_make_valid_national_ids():
    # given: the full-size demo's generators, as seeded as the demo seeds them
    rng = random.Random(2026)
    on = dt.date(2026, 9, 1)

    def born() -> dt.date:
        return people.birth_date(rng, on, (18, 60))

    drawn = {
        "CN": [chinese.resident_id(rng, n % 2 == 0, born(), "500236") for n in range(2000)],
        "VN": [vietnamese.cccd(rng, n % 2 == 0, born()) for n in range(2000)],
        "MA": [moroccan.cin(rng) for _ in range(2000)],
        "FR": [french.nir(rng, n % 2 == 0, born(), None) for n in range(2000)],
    }
    # then: each is valid and already in its normal form
    for country, values in drawn.items():
        assert [check_national_id(country, v) for v in values] == values


# enrollTrainees over HTTP.


@pytest.mark.parametrize("country", ["CN", "VN", "MA", "FR"])
async def test_a_national_id_of_the_wrong_shape_is_rejected_and_not_stored(
    session, operator_client, cohort_id, country
):
    # when
    body = await operator_client.execute(
        ENROLL, input={"cohortId": cohort_id, "trainees": [person(country, "1")]}
    )
    # then
    assert "errors" not in body, body
    [result] = body["data"]["enrollTrainees"]["results"]
    assert (result["outcome"], result["field"], result["enrollment"]) == (
        "REJECTED",
        "nationalId",
        None,
    )
    assert result["reason"].startswith("nationalId is not a valid ")
    assert await _count(session, Trainee) == 0
    assert await _count(session, Enrollment) == 0


async def test_an_unassigned_country_is_rejected_and_not_stored(
    session, operator_client, cohort_id
):
    # when
    rows = [person("XX", "079000000001"), person("VN", "079000000002")]
    body = await operator_client.execute(ENROLL, input={"cohortId": cohort_id, "trainees": rows})
    # then
    results = body["data"]["enrollTrainees"]["results"]
    assert [(r["outcome"], r["field"]) for r in results] == [
        ("REJECTED", "country"),
        ("CREATED", None),
    ]
    assert "ISO 3166-1 alpha-2" in results[0]["reason"]
    assert await _count(session, Trainee) == 1


async def test_a_national_id_is_stored_in_its_normal_form(session, operator_client, cohort_id):
    # when
    rows = [person("fr", "2 69 05 49 588 157 80"), person("CN", "11010519491231002x")]
    body = await operator_client.execute(ENROLL, input={"cohortId": cohort_id, "trainees": rows})
    # then
    results = body["data"]["enrollTrainees"]["results"]
    assert [r["outcome"] for r in results] == ["CREATED", "CREATED"]
    stored = set((await session.execute(select(Trainee.country, Trainee.national_id))).all())
    assert stored == {("FR", "269054958815780"), ("CN", "11010519491231002X")}
