"""The call pages: a province sees its call with channels, its own nominations with the formal
check's reasons, the panel ranking and the winners; the Excel list; another province's call is 404."""

import io

import openpyxl
from django.urls import reverse

from kexie.awards import services
from tests.awards.helpers import open_call


def test_the_call_page_and_the_excel_list(world, signed_in):
    call = open_call(world)
    mine = services.nominate(by=world.provincial_clerk, call=call, organization=world.prov_a,
                             nominee={"name": "欧年长", "birth_date": "1980-01-01"})
    services.nominate(by=world.other_provincial_clerk, call=call, organization=world.prov_b, nominee={"name": "乙外省"})
    services.formal_close(by=world.national_clerk, call=call)
    services.formal_check(by=world.national_clerk, nomination=mine)
    client = signed_in(world.provincial_clerk)
    assert call.title in client.get(reverse("awards:list")).content.decode()
    page = client.get(reverse("awards:detail", args=[call.pk])).content.decode()
    assert "推荐渠道与名额" in page and "甲省科学技术协会" in page and "欧年长" in page
    assert "超过40周岁" in page and "乙外省" not in page
    export = client.get(reverse("awards:export", args=[call.pk]))
    from urllib.parse import unquote

    offered = unquote(export["Content-Disposition"].split("filename*=UTF-8''", 1)[1])
    assert offered == f"{call.title}-推荐人选.xlsx"  # the Chinese name, through the one download helper
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(book.active.values)
    assert rows[0][0] == "被推荐人" and [r[0] for r in rows[1:]] == ["欧年长"]

    own = services.call_create(by=world.other_provincial_clerk, organization=world.prov_b,
                               data={"title": "乙省青年科技奖", "kind": "youth", "year": 2026})
    assert client.get(reverse("awards:detail", args=[own.pk])).status_code == 404
