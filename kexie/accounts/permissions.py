"""Permission codes and the separation of the three administrators (三员分立).

A role carries a list of these codes. Business roles may not carry any administrator code; an
administrator role of one kind may carry only the codes of that kind.
"""

from django.utils.translation import gettext_lazy as _

PERMISSIONS: dict[str, str] = {
    # organisations
    "org.view": _("View organisations"),
    "org.add": _("Create organisations"),
    "org.change": _("Edit organisations"),
    "org.move": _("Move organisations"),
    "org.deactivate": _("Change organisation status"),
    "org.import": _("Import organisations"),
    "org.export": _("Export organisations"),
    # plans and the ledger
    "plan.view": _("View plans and the ledger"),
    "plan.import": _("Import plan documents"),
    "plan.change": _("Edit the ledger"),
    "plan.export": _("Export the ledger"),
    # progress tracking
    "report.submit": _("File progress reports and deferral requests"),
    "report.review": _("Review progress reports and sign off completion"),
    "supervise.manage": _("Cascade tasks and set reporting cycles"),
    "deferral.approve": _("Decide deferral requests"),
    # societies: registry, annual reports, evaluation
    "society.view": _("View the society registry"),
    "society.manage": _("Maintain society records"),
    "annual_report.submit": _("Fill in and submit a society's annual report and self-score"),
    "annual_report.review": _("Review societies' annual reports"),
    "evaluation.manage": _("Manage rubrics, rankings, selection rounds and four-batch decisions"),
    "evaluation.score": _("Score societies as a reviewer or expert"),
    # person records and the expert library
    "person.view": _("View person records"),
    "person.manage": _("Maintain, import and merge person records"),
    "expert.view": _("View expert libraries"),
    "expert.manage": _("Maintain expert libraries"),
    # talent nominations and awards (kexie.awards)
    "award.view": _("View award calls and nominations"),
    "award.manage": _("Run award calls: channels, formal check, review, notice, winners, follow-ups"),
    "award.nominate": _("Nominate candidates through an award call's channel"),
    # enterprise demands and open calls (kexie.demands)
    "demand.view": _("View technical demands, open calls and their funnel"),
    "demand.submit": _("Record technical demands for the organisation"),
    "demand.manage": _("Triage demands, match experts, publish open calls, choose teams and accept milestones"),
    # stations and bases (kexie.stations)
    "station.view": _("View the registry of stations and bases"),
    "station.manage": _("Maintain stations and bases, their entry checks and annual evaluation"),
    # expert service teams, visits and regular contact (kexie.visits)
    "visit.view": _("View expert service teams, visits and contact duties"),
    "visit.manage": _("Run expert service teams, log visits and follow-ups, keep contact duties"),
    # proposals and think-tank work (kexie.proposals)
    "proposal.view": _("View proposal campaigns, submissions and bulletins"),
    "proposal.submit": _("Submit proposals to a campaign"),
    "proposal.manage": _("Run proposal campaigns: valuation, bulletins, sending, instructions, studies"),
    # academic and popular-science activities (kexie.activities)
    "activity.view": _("View activities and their counts"),
    "activity.manage": _("Record and maintain the organisation's activities"),
    # science and technology volunteers (kexie.volunteers)
    "volunteer.view": _("View volunteer teams, opportunities and hours"),
    "volunteer.manage": _("Run volunteer teams and opportunities, check volunteers in and out, approve hours"),
    # survey stations for the condition of S&T workers (kexie.surveys)
    "survey.view": _("View survey stations, rounds and completion"),
    "survey.manage": _("Run survey stations and rounds, hand out response codes"),
    # people
    "user.view": _("View users"),
    "user.manage": _("Manage users"),
    "role.manage": _("Manage roles"),
    "pii.unmask": _("View unmasked personal data"),
    # public users
    "external.invite": _("Invite external users"),
    # security administrator
    "security.manage": _("Manage security policy"),
    "user.unlock": _("Unlock accounts and reset second factors"),
    "loginlog.view": _("View the login log"),
    # audit administrator
    "audit.view": _("View audit records"),
}


class AdminKind:
    NONE = ""
    SYSTEM = "system"
    SECURITY = "security"
    AUDIT = "audit"

    choices = [
        (NONE, _("Business role")),
        (SYSTEM, _("System administrator")),
        (SECURITY, _("Security administrator")),
        (AUDIT, _("Audit administrator")),
    ]


# What each administrator kind may hold. Business roles may hold anything not listed under
# RESERVED (the codes that belong to exactly one administrator).
ADMIN_CODES: dict[str, set[str]] = {
    AdminKind.SYSTEM: {"org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import",
                       "org.export", "user.view", "user.manage", "role.manage"},
    AdminKind.SECURITY: {"security.manage", "user.view", "user.unlock", "loginlog.view"},
    AdminKind.AUDIT: {"audit.view", "loginlog.view"},
}
RESERVED: set[str] = {"user.manage", "role.manage", "security.manage", "user.unlock", "loginlog.view",
                      "audit.view"}


def codes_allowed_for(admin_kind: str) -> set[str]:
    if admin_kind:
        return ADMIN_CODES[admin_kind]
    return set(PERMISSIONS) - RESERVED
