"""The demo's survey round: stations of the Henan branch, codes, some answered, one investigator
with an account who sees her station's round at home; a second run creates nothing."""

from kexie.accounts.home import home_for
from kexie.core.demo import surveys as demo
from kexie.surveys import selectors
from kexie.surveys.models import Response, ResponseCode, SurveyRound, SurveyStation


def test_the_demo_round_is_built_once(world):
    orgs = {demo._CAST: world.cast, demo._HENAN: world.prov_a, demo._ZHENGZHOU: world.city_a,
            demo._ZHONGMU: world.county_a}
    users = {"national_clerk": world.national_clerk, "provincial_clerk": world.provincial_clerk,
             "county_clerk": world.county_clerk}
    kwargs = {"organization_at": orgs.__getitem__, "user_named": users.__getitem__, "calendar": None}
    assert demo.ensure_demo_surveys(**kwargs) is True
    survey_round = SurveyRound.objects.get(title=demo.ROUND_TITLE)
    assert survey_round.status == "open" and SurveyStation.objects.count() == len(demo.STATIONS)
    answered = sum(row[8] for row in demo.STATIONS)
    assert Response.objects.count() == answered
    assert ResponseCode.objects.filter(used_at__isnull=False).count() == answered
    assert any("rd_share" in r.answers for r in Response.objects.all())
    rows = {row["station"].name: row["responses"] for row in selectors.completion(survey_round)}
    assert rows == {row[2]: row[8] for row in demo.STATIONS}
    first = SurveyStation.objects.get(name=demo.STATIONS[0][2])
    account = first.investigators.get().account
    assert account is not None and account.is_external
    assert "surveys" in {s["section"].key for s in home_for(account)}
    counts = (SurveyStation.objects.count(), ResponseCode.objects.count(), Response.objects.count())
    assert demo.ensure_demo_surveys(**kwargs) is False
    assert (SurveyStation.objects.count(), ResponseCode.objects.count(), Response.objects.count()) == counts
