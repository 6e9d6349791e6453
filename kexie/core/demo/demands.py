"""Enterprise demands and open calls in the demo, run through the demand services in Henan.

* An enterprise contact signs in with an external account (:data:`ENTERPRISE_ADDRESS`, the demo
  password) and finds its two demands in 「我的需求」: one matched with experts of the Henan
  library, the shortlist released to it; one still waiting to be taken up.
* 中牟县科协 recorded a demand that was returned (with the reason) and a confidential one that
  was accepted; 新郑市科协 recorded the same problem twice, and the duplicate was merged.
* 河南省科协 published a demand of 郑州高新区 as an open call (揭榜挂帅): two teams applied, one
  passed the formal check, one did not (with the reason).
* An open call of 洛阳市科协 is contracted (挂帅) with its milestones: the first accepted, the
  second reported and waiting for acceptance.
* The two society service stations of 中国科协 collected demands of the enterprises around them
  (:func:`ensure_station_demands`, run when the demo's stations are registered; held by 中国科协,
  which registered the stations): 中国电子学会郑州服务站 eleven, which meets the entry rule of ten;
  中国农学会原阳服务站 six that count and two that do not (one returned, a duplicate merged), which
  stays below it.

Enterprises, teams and people are written for the project; no real one is meant. Receipt dates
are set back into the past months so that the funnel's time to a first candidate reads like a
real one. Idempotent: nothing is built while the demo's first demand exists.
"""

import datetime as dt

from django.utils import timezone

from kexie.demands import services
from kexie.demands.models import Candidate, Demand
from kexie.people.models import ExpertLibrary

_HENAN = ("中国科学技术协会", "河南省科学技术协会")
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
_ZHONGMU = _ZHENGZHOU + ("中牟县科学技术协会",)
_XINZHENG = _ZHENGZHOU + ("新郑市科学技术协会",)
_HIGHTECH = _ZHENGZHOU + ("郑州高新技术产业开发区科学技术协会",)
_LUOYANG = _HENAN + ("洛阳市科学技术协会",)
# The enterprise contact's external account: signs in and sees its own demands.
ENTERPRISE_ADDRESS = "enterprise@kexie.example.cn"
# The lead of the team chosen for the Luoyang open call: signs in to report its milestones (我的揭榜).
TEAM_ADDRESS = "team@kexie.example.cn"
ENTERPRISE = "中牟县宏达数控机械有限公司"


def _data(title, enterprise, industry, field, problem, goal, budget, **extra) -> dict:
    return {"title": title, "enterprise_name": enterprise, "industry": industry, "field": field, "problem": problem,
            "goal": goal, "budget": budget, "contact_name": extra.pop("contact", "王经理"),
            "contact_phone": extra.pop("phone", "0371-6000000"), **extra}


MATCHED = _data(
    "数控机床主轴热误差实时补偿", ENTERPRISE, "34", "数控装备",
    "本公司数控车床主轴连续运转两小时后热伸长明显，批量零件尺寸一致性差，废品率约4%。",
    "建立主轴热误差模型并实现在线补偿，加工精度稳定在0.005毫米以内，废品率降到1%以下。", 60,
    enterprise_credit_code="91410122MA9XYZ0A1B", contact="赵宏达", phone="13838000001")
WAITING = _data(
    "机床导轨智能润滑控制", ENTERPRISE, "34", "智能制造",
    "导轨润滑按固定周期进行，耗油多且在高负荷时润滑不足。", "按负荷自动调节润滑，耗油降低30%。", 20,
    contact="赵宏达", phone="13838000001")
RETURNED = _data(
    "厂区监控设备采购", "中牟县恒远物流有限公司", "59", "安防",
    "需要采购一批监控摄像头。", "三个月内完成安装。", 15)
CONFIDENTIAL = _data(
    "新型汽车密封胶配方改进", "中牟县华瑞汽车配件有限公司", "36", "高分子材料",
    "现有密封胶在低温下开裂，配方涉及商业秘密。", "零下40℃不开裂，成本不增加。", 80, confidential=True)
KEPT = _data(
    "红枣干制过程褐变控制", "新郑市好想红枣食品有限公司", "13", "食品加工",
    "红枣热风干制时褐变严重，色泽不均，影响高端产品品质。", "褐变指数降低50%，干制能耗不增加。", 35)
DUPLICATE = _data(
    "红枣烘干褐变问题", "新郑市好想红枣食品有限公司", "13", "食品加工",
    "烘干后的红枣颜色发黑。", "改善烘干后色泽。", 30)
PUBLISHED = _data(
    "工业视觉缺陷检测算法", "郑州中原智测科技有限公司", "39", "计算机视觉",
    "电子元件外观缺陷人工目检漏检率高，现有传统算法对划痕、气泡等小缺陷识别不稳定。",
    "缺陷检出率不低于99.5%，误报率不高于1%，单件检测时间不超过200毫秒。", 150)
CONTRACTED = _data(
    "轴承套圈磨削烧伤在线检测", "洛阳精工轴承有限公司", "34", "无损检测",
    "磨削烧伤靠抽检酸洗发现，滞后且破坏样件。", "实现在线无损检测，烧伤检出率95%以上。", 200)

TEAMS = {
    PUBLISHED["title"]: [
        {"team_name": "郑州理工大学智能感知团队", "lead_name": "贺文舟", "lead_unit": "郑州理工大学",
         "members": "贺文舟，教授，总体负责\n许清扬，副教授，算法\n罗一鸣，工程师，产线集成",
         "proposal": "采用小样本缺陷生成与轻量化检测网络，先在两条产线试点，六个月完成部署。",
         "quoted_amount": 135},
        {"team_name": "某软件工作室", "lead_name": "韩立", "lead_unit": "个人",
         "proposal": "使用开源模型直接部署。", "quoted_amount": 40},
    ],
    CONTRACTED["title"]: [
        {"team_name": "洛阳装备研究所检测团队", "lead_name": "宁知远", "lead_unit": "洛阳装备研究所",
         "members": "宁知远，研究员\n庞悦，高级工程师",
         "proposal": "以巴克豪森噪声为主、涡流为辅的复合检测，结合磨削参数建立烧伤判别模型。",
         "quoted_amount": 180},
    ],
}


# The demands each society service station collected (enterprise, title, industry, field, problem,
# goal, budget in 10,000 yuan).
STATION_DEMANDS = {
    "中国电子学会郑州服务站": [
        ("郑州芯联微电子有限公司", "功率模块封装散热优化", "39", "电子封装",
         "IGBT模块满载运行时结温偏高，焊层导热不足，返修率约3%。", "结温降低15℃以上，通过车规级可靠性试验。", 80),
        ("郑州博睿传感技术有限公司", "MEMS压力传感器温度漂移补偿", "40", "传感器",
         "压力传感器在零下20℃至85℃区间零点漂移超过0.5%FS。", "全温区漂移控制在0.1%FS以内。", 45),
        ("河南云启信息技术有限公司", "工业网关多协议适配", "65", "工业互联网",
         "厂区设备通信协议十余种，网关接入调试周期长。", "形成通用协议适配组件，新设备接入不超过2天。", 30),
        ("郑州华锐电源科技有限公司", "高频开关电源电磁兼容整改", "38", "电磁兼容",
         "新款充电模块传导发射测试超标，多轮整改未通过。", "通过B级限值测试，成本增加不超过5%。", 25),
        ("郑州天衡智能装备有限公司", "贴片机视觉对位精度提升", "35", "机器视觉",
         "0201元件贴装偏移率偏高，视觉对位受焊盘反光影响。", "贴装偏移率降到50ppm以下。", 60),
        ("郑州北辰光电有限公司", "红外探测器读出电路降噪", "39", "集成电路",
         "读出电路噪声较大，成像画面有明显条纹。", "等效噪声温差降低30%。", 90),
        ("河南中科智联通信有限公司", "小基站功率放大器线性化", "39", "射频通信",
         "功放在大带宽信号下邻道泄漏比不达标。", "邻道泄漏比优于-45dBc，效率不降低。", 120),
        ("郑州恒达电缆有限公司", "高压电缆接头局部放电在线监测", "38", "状态监测",
         "电缆接头故障多发，缺少在线监测手段，只能定期停电检测。", "局部放电检测灵敏度达到5pC，实现远程告警。", 70),
        ("郑州瑞科仪器有限公司", "便携式气体分析仪低功耗设计", "40", "嵌入式系统",
         "仪器连续工作不足8小时，野外巡检需要频繁更换电池。", "续航提高到20小时以上。", 20),
        ("郑州新航电子科技有限公司", "印制电路板焊点缺陷自动检测", "39", "电子测量",
         "焊点虚焊依赖人工复检，漏检时有发生。", "自动检测漏检率低于0.1%，节省复检人员一半。", 50),
        ("郑州智远软件有限公司", "电力设备运维知识图谱", "65", "人工智能",
         "运维经验分散在工单和手册中，新员工难以检索。", "建立设备故障知识图谱，故障定位辅助准确率80%以上。", 40),
    ],
    "中国农学会原阳服务站": [
        ("原阳县金谷稻米专业合作社", "稻米低温仓储品质保持", "13", "粮食储藏",
         "夏季仓储稻米黄变、食味下降，陈化快。", "储存一年食味值下降不超过5分。", 25),
        ("原阳县沿黄优质稻种植合作社", "盐碱地水稻节水栽培", "01", "水稻栽培",
         "沿黄部分田块盐碱化，水稻返青慢、减产明显。", "盐碱田块亩产提高10%，用水减少15%。", 30),
        ("河南原香米业有限公司", "大米抛光工序碎米率降低", "13", "粮食加工",
         "抛光工序碎米率约12%，高于同行水平。", "碎米率降到8%以下，能耗不增加。", 40),
        ("原阳县丰泽农机服务有限公司", "水稻机插秧漏插问题", "05", "农业机械",
         "机插秧漏插率高，补苗用工多。", "漏插率降到3%以下。", 15),
        ("原阳县绿源生态农业有限公司", "稻虾共作病害绿色防控", "04", "水产养殖",
         "稻虾共作田块小龙虾发病率上升，可用药物有限。", "形成绿色防控方案，发病率降低一半。", 20),
        ("新乡市禾丰种业有限公司", "优质粳稻品种区域适应性评价", "01", "作物育种",
         "新品种在原阳不同地块表现差异大，推广缺少依据。", "完成三个生态点试验，形成种植推广建议。", 35),
    ],
}
# What 原阳 also passed on and does not count: a purchase returned, and the rice mill's problem
# recorded a second time, merged into its first record (the third demand above).
STATION_RETURNED = ("原阳县惠农农资商店", "化肥批量进货渠道", "", "", "希望联系化肥厂家批量进货，降低进价。", "",
                    None, "属于商品采购，不是技术难题，已告知企业通过市场渠道解决。")
STATION_DUPLICATE = ("河南原香米业有限公司", "大米加工碎米多", "13", "粮食加工", "大米加工后碎米太多。", "减少碎米。",
                     None, 2)


def _ago(calendar, days: int):
    """A moment ``days`` before the load day, at ten in the morning."""
    day = calendar.today - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10, 0))


def _received(demand, calendar, days: int) -> None:
    Demand.objects.filter(pk=demand.pk).update(received_at=_ago(calendar, days))


def ensure_demo_demands(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's demands when missing; True when something was created."""
    if Demand.objects.filter(title=MATCHED["title"]).exists():
        return False
    from kexie.accounts.models import User
    from kexie.accounts.public import _create_external

    from .data import DEMO_PASSWORD

    enterprise = User.objects.filter(username=ENTERPRISE_ADDRESS).first() or _create_external(
        address=ENTERPRISE_ADDRESS, full_name="赵宏达", password=DEMO_PASSWORD, how="demo")
    team_lead = User.objects.filter(username=TEAM_ADDRESS).first() or _create_external(
        address=TEAM_ADDRESS, full_name="宁知远", password=DEMO_PASSWORD, how="demo")
    province, county, xinzheng = user_named("provincial_clerk"), user_named("county_clerk"), \
        user_named("xinzheng_clerk")
    zhongmu = organization_at(_ZHONGMU)
    library = ExpertLibrary.objects.filter(organization=organization_at(_HENAN)).first()
    # The services take no closing day in the past: a demo loaded for an earlier story day still
    # publishes calls that close after the real today (and so stay on the board).
    soon = max(calendar.today, timezone.localdate()) + dt.timedelta(days=30)

    # The enterprise's own demands: one matched, its shortlist released; one waiting.
    matched = services.demand_create(by=enterprise, organization=zhongmu, data=MATCHED, milestones=[
        {"title": "热误差建模与测点方案", "due": calendar.today + dt.timedelta(days=60)},
        {"title": "补偿系统上机验证", "due": calendar.today + dt.timedelta(days=150)}])
    _received(matched, calendar, 40)
    services.demand_accept(by=province, demand=matched)
    if library is not None:
        services.demand_match(by=province, demand=matched, library=library, k=6)
        kept = list(Candidate.objects.filter(demand=matched, excluded=False).order_by("-score")[:3])
        if kept:
            services.candidates_release(by=province, demand=matched, candidate_ids=[c.pk for c in kept])
    services.demand_create(by=enterprise, organization=zhongmu, data=WAITING, milestones=[])

    # 中牟县: returned with the reason; a confidential one accepted.
    returned = services.demand_create(by=county, organization=zhongmu, data=RETURNED)
    services.demand_return(by=province, demand=returned,
                           reason="属于常规设备采购，不是需要攻关的技术难题，建议企业按采购程序办理。")
    secret = services.demand_create(by=county, organization=zhongmu, data=CONFIDENTIAL, milestones=[
        {"title": "低温配方小试", "due": calendar.today + dt.timedelta(days=90)}])
    secret.named_staff.add(province)
    services.demand_accept(by=province, demand=secret)

    # 新郑市: the same problem recorded twice, the duplicate merged into the fuller one.
    kept_demand = services.demand_create(by=xinzheng, organization=organization_at(_XINZHENG), data=KEPT)
    duplicate = services.demand_create(by=xinzheng, organization=organization_at(_XINZHENG), data=DUPLICATE)
    services.demand_accept(by=province, demand=kept_demand)
    services.demand_merge(by=province, demand=duplicate, into=kept_demand)

    # 郑州高新区: an open call with two applications, one eligible, one not.
    call = services.demand_create(by=province, organization=organization_at(_HIGHTECH), data=PUBLISHED, milestones=[
        {"title": "算法原型与样本库", "due": calendar.today + dt.timedelta(days=90)},
        {"title": "产线试运行", "due": calendar.today + dt.timedelta(days=180)}])
    _received(call, calendar, 25)
    services.demand_accept(by=province, demand=call)
    services.demand_publish(by=province, demand=call, apply_until=soon,
                            reward="揭榜成功后按合同支付研发经费，成果可在企业产线优先推广。")
    good, weak = (services.application_submit(by=province, demand=call, data=team) for team in TEAMS[call.title])
    services.application_check(by=province, application=good, eligible=True)
    services.application_check(by=province, application=weak, eligible=False,
                               reason="团队无相关项目业绩，方案未说明技术路线和进度。")

    # 洛阳市: the team's lead applied with an account of its own; contracted, the first milestone
    # accepted, the second reported by the team itself.
    bearing = services.demand_create(by=province, organization=organization_at(_LUOYANG), data=CONTRACTED,
                                     milestones=[{"title": "检测原理样机", "due": calendar.today},
                                                 {"title": "产线在线检测装置", "due": soon}])
    _received(bearing, calendar, 75)
    services.demand_accept(by=province, demand=bearing)
    services.demand_publish(by=province, demand=bearing, apply_until=soon, reward="合同金额内据实支付。")
    team = services.application_submit(by=team_lead, demand=bearing, data=TEAMS[bearing.title][0])
    services.application_check(by=province, application=team, eligible=True)
    services.application_choose(by=province, application=team, amount=175)
    first, second = bearing.milestones.order_by("position")
    services.milestone_report(by=province, milestone=first, report="样机完成，实验室条件下对烧伤试样检出率达97%。")
    services.milestone_accept(by=province, milestone=first, accept=True, note="经现场测试，达到阶段指标。")
    services.milestone_report(by=team_lead, milestone=second, report="检测装置已在一条磨削线上安装，正在试运行。")
    return True


def _collected(clerk, station, calendar, row, days: int) -> Demand:
    """Record a demand the station collected, held by the association that registered the station,
    received ``days`` before the load day."""
    enterprise, title, industry, field, problem, goal, budget = row[:7]
    demand = services.demand_create(by=clerk, organization=station.organization, data=_data(
        title, enterprise, industry, field, problem, goal, budget, station=station))
    _received(demand, calendar, days)
    return demand


def ensure_station_demands(station, *, calendar) -> int:
    """Record the demands ``station`` collected (:data:`STATION_DEMANDS`; none for the other
    stations), recorded and accepted by the clerk who registered it but for every fourth one, still
    waiting; the number recorded. Nothing is recorded for a station that has demands already."""
    if station.name not in STATION_DEMANDS or Demand.objects.filter(station=station).exists():
        return 0
    clerk = station.created_by
    made = []
    for n, row in enumerate(STATION_DEMANDS[station.name]):
        demand = _collected(clerk, station, calendar, row, 20 + 31 * n)
        if n % 4 != 3:
            services.demand_accept(by=clerk, demand=demand)
        made.append(demand)
    if station.name == "中国农学会原阳服务站":
        returned = _collected(clerk, station, calendar, STATION_RETURNED, 50)
        services.demand_return(by=clerk, demand=returned, reason=STATION_RETURNED[-1])
        duplicate = _collected(clerk, station, calendar, STATION_DUPLICATE, 60)
        services.demand_merge(by=clerk, demand=duplicate, into=made[STATION_DUPLICATE[-1]])
        made += [returned, duplicate]
    return len(made)
