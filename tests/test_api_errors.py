"""The API's one translation of a service's refusal into a response: status and body by kind."""

from claims.api.errors import rejected_response
from claims.services.errors import (
    BatchRejected,
    Conflict,
    Forbidden,
    Malformed,
    Rejected,
    Stale,
    TooLarge,
)


def test_a_refusal_of_well_formed_input_is_a_422_with_its_detail_code_and_field():
    response = rejected_response(Rejected("end", "end (90) is past the end (80).", "out_of_range"))

    assert response.status_code == 422
    assert response.data == {
        "detail": "end (90) is past the end (80).",
        "code": "out_of_range",
        "field": "end",
    }


def test_malformed_input_is_a_400_naming_its_field_with_its_code():
    response = rejected_response(Malformed("final", "“maybe” is not true or false."))

    assert response.status_code == 400
    assert response.data == {"final": ["“maybe” is not true or false."]}
    assert response.data["final"][0].code == "invalid"


def test_forbidden_stale_and_too_large_answer_with_their_status_and_a_detail():
    for refusal, status in (
        (Forbidden("Only its author may change or delete an annotation."), 403),
        (Stale("The annotation has changed since you read it."), 412),
        (TooLarge("file", "The file is 30.0 MB; the limit is 20 MB."), 413),
    ):
        response = rejected_response(refusal)
        assert (response.status_code, response.data) == (status, {"detail": refusal.message})


def test_a_conflict_is_a_409_with_its_code_and_the_rows_it_names():
    response = rejected_response(Conflict("Already stored.", code="duplicate", annotation=7))

    assert response.status_code == 409
    assert response.data == {"detail": "Already stored.", "code": "duplicate", "annotation": 7}


def test_a_conflict_names_the_field_it_clashes_on():
    response = rejected_response(Conflict("Taken.", code="slug_taken", field="slug"))

    assert response.status_code == 409
    assert response.data == {"detail": "Taken.", "code": "slug_taken", "field": "slug"}


def test_a_batch_refusal_lists_one_error_object_per_item_empty_for_good_ones():
    errors = {1: Rejected("tag", "There is no tag “miracle”.", "does_not_exist")}
    response = rejected_response(BatchRejected("annotations", errors, count=3))

    assert response.status_code == 422
    assert response.data == {
        "detail": "1 of 3 item(s) refused",
        "code": "invalid",
        "field": "annotations",
        "annotations": [
            {},
            {"detail": "There is no tag “miracle”.", "code": "does_not_exist", "field": "tag"},
            {},
        ],
    }


def test_a_batch_of_conflicts_only_is_a_409_and_of_mixed_refusals_a_422():
    duplicate = Conflict("Already stored.", code="duplicate", annotation=7)
    unknown = Rejected("tag", "There is no tag “miracle”.", "does_not_exist")

    only_conflicts = rejected_response(BatchRejected("annotations", {0: duplicate}, count=2))
    mixed = rejected_response(BatchRejected("annotations", {0: duplicate, 1: unknown}, count=2))

    assert only_conflicts.status_code == 409
    assert only_conflicts.data["annotations"][0] == {
        "detail": "Already stored.",
        "code": "duplicate",
        "annotation": 7,
    }
    assert mixed.status_code == 422
