"""Anonymous forms (survey answers by code, check-in codes — the features to come — and today's
sign-in, sign-up and reset forms) accept nothing that identifies the person beyond what the form
asks: a submission carrying other fields is refused whole, what is stored is the declared answer
only, and its audit row carries neither the client's address nor a user. Each is rate-limited."""

import pytest
from django import forms
from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from kexie.audit.models import AuditLog
from kexie.core import ratelimit
from kexie.core.forms import AnonymousForm, audit_anonymous
from kexie.core.ratelimit import rate_limited

STORED: list[dict] = []


class SurveyAnswerForm(AnonymousForm):
    """What a survey by code would ask: the code, two answers."""

    code = forms.CharField(max_length=12)
    satisfied = forms.ChoiceField(choices=[("yes", "是"), ("no", "否")])
    comment = forms.CharField(required=False, max_length=500)


@rate_limited("anonymous_form", account=lambda request: request.POST.get("code", ""))
def survey_answer(request):
    form = SurveyAnswerForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    answer = form.answer()
    STORED.append(answer)
    audit_anonymous(action="create", object_type="surveys.answer", object_repr=answer["code"], new=answer)
    return HttpResponse("谢谢", status=201)


urlpatterns = [
    path("", include("kexie.urls")),
    path("survey/answer/", survey_answer, name="survey_answer"),
]


@pytest.fixture
def survey(settings):
    settings.ROOT_URLCONF = __name__
    STORED.clear()
    return "/survey/answer/"


IDENTIFYING = {"name": "张三", "full_name": "张三", "phone": "13912345678", "mobile": "13912345678",
               "email": "zhang.san@example.cn", "id_number": "110101199003074578"}


def test_an_answer_carrying_identifying_fields_is_refused_and_stores_none_of_them(db, client, survey):
    response = client.post(survey, {"code": "KX2026", "satisfied": "yes", **IDENTIFYING},
                           HTTP_USER_AGENT="Mozilla/5.0 (respondent's phone)")

    assert response.status_code == 400
    assert "未要求填写的项目" in str(response.json())
    assert STORED == [] and not AuditLog.objects.filter(object_type="surveys.answer").exists()
    for value in IDENTIFYING.values():
        assert not AuditLog.objects.filter(new_values__icontains=value).exists()


@pytest.mark.parametrize("field", sorted(IDENTIFYING))
def test_any_one_undeclared_field_is_enough_to_refuse(db, client, survey, field):
    response = client.post(survey, {"code": "KX2026", "satisfied": "no", field: IDENTIFYING[field]})

    assert response.status_code == 400 and STORED == []


def test_a_declared_answer_is_stored_without_address_browser_session_or_user(db, client, survey):
    response = client.post(survey, {"code": "KX2026", "satisfied": "yes", "comment": "很好"},
                           REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Mozilla/5.0 (respondent's phone)")

    assert response.status_code == 201
    assert STORED == [{"code": "KX2026", "satisfied": "yes", "comment": "很好"}]
    row = AuditLog.objects.get(object_type="surveys.answer")
    assert row.ip == "" and row.username == "" and row.user_id is None
    assert row.new_values == {"code": "KX2026", "satisfied": "yes", "comment": "很好"}
    assert "198.51.100.7" not in str(row.__dict__) and "Mozilla" not in str(row.__dict__)
    assert "sessionid" not in response.cookies


def test_anonymous_answers_are_limited_per_address_and_per_code(db, client, survey, monkeypatch):
    monkeypatch.setitem(ratelimit.RATES, "anonymous_form", {"ip": "1000/h", "account": "2/10m"})

    answers = [client.post(survey, {"code": "KX2026", "satisfied": "yes"}).status_code for _ in range(3)]

    assert answers == [201, 201, 429]
    assert len(STORED) == 2
    assert AuditLog.objects.filter(action="rate_limited").count() == 1


def test_the_csrf_token_and_the_return_address_are_not_counted_as_answers(db):
    form = SurveyAnswerForm({"code": "KX2026", "satisfied": "yes", "csrfmiddlewaretoken": "x", "next": "/"})

    assert form.is_valid() and form.answer() == {"code": "KX2026", "satisfied": "yes", "comment": ""}


def test_the_sign_in_form_takes_no_field_it_does_not_ask_for(world, client):
    from django.urls import reverse

    from tests.personas import PASSWORD

    response = client.post(reverse("accounts:login"), {"username": "county_clerk", "password": PASSWORD,
                                                       "id_number": "110101199003074578"})

    assert response.status_code == 400 and "未要求填写的项目" in response.content.decode()
