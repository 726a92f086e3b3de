"""The API's one translation of a service's refusal into a response: status and body by kind."""

from rest_framework.exceptions import ErrorDetail

from claims.api.errors import rejected_response
from claims.services.errors import BatchRejected, Conflict, Forbidden, Rejected, Stale, TooLarge


def test_a_refusal_is_a_400_naming_its_field_with_its_code():
    response = rejected_response(Rejected("end", "end (90) is past the end (80).", "out_of_range"))

    assert response.status_code == 400
    assert response.data == {"end": ["end (90) is past the end (80)."]}
    assert response.data["end"][0].code == "out_of_range"


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


def test_a_batch_refusal_lists_one_error_object_per_item_empty_for_good_ones():
    errors = {1: Rejected("tag", "There is no tag “miracle”.", "does_not_exist")}
    response = rejected_response(BatchRejected("annotations", errors, count=3))

    assert response.status_code == 400
    assert response.data == {"annotations": [{}, {"tag": ["There is no tag “miracle”."]}, {}]}
    item = response.data["annotations"][1]["tag"][0]
    assert isinstance(item, ErrorDetail)
    assert item.code == "does_not_exist"
