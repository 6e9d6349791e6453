"""Pages of the calls for abstracts.

Staff (``activity.view`` / ``activity.manage``, scoped by the conference's host): a conference's
call with its abstracts, opening and closing it, sending it to review (a panels round) and
deciding each abstract. S&T workers (external accounts): the calls taking abstracts, their own
submission form and their own abstracts — each fetches only the account's own records."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import require_page_code as _require
from kexie.core.forms import form_page, form_step

from . import abstracts, selectors
from .models import ActivityKind
from .models_abstracts import AbstractCall, AbstractSubmission, SubmissionStatus

VIEW, MANAGE = selectors.VIEW, selectors.MANAGE


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class CallForm(forms.Form):
    opens_on = forms.DateField(label=gettext_lazy("open from"), widget=DateInput())
    closes_on = forms.DateField(label=gettext_lazy("open until"), widget=DateInput())
    topics = forms.CharField(label=gettext_lazy("topics"), required=False, help_text=gettext_lazy("One topic a line."),
                             widget=forms.Textarea(attrs={"rows": 4}))


class SubmitForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=300)
    authors = forms.CharField(label=gettext_lazy("authors"), max_length=500,
                              help_text=gettext_lazy("In order, with their units, e.g. 张伟（某大学）、李娜（某研究所）"))
    topic = forms.ChoiceField(label=gettext_lazy("topic"), required=False)
    abstract = forms.CharField(label=gettext_lazy("abstract"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        topics = call.topic_list()
        if topics:
            self.fields["topic"].choices = [("", "—")] + [(t, t) for t in topics]
            self.fields["topic"].required = True
        else:
            del self.fields["topic"]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=pgettext_lazy("abstract", "decision"), choices=[
        ("accept", pgettext_lazy("abstract", "Accept")), ("reject", pgettext_lazy("abstract", "Reject"))])
    note = forms.CharField(label=gettext_lazy("note on the decision"), required=False, max_length=500)


# --- staff ----------------------------------------------------------------------------------------

def _activity_of(request, pk, action=VIEW):
    """The conference ``pk`` in the user's scope (any other activity has no call: 404)."""
    activity = selectors.activities_for(request.user, action).filter(pk=pk, kind=ActivityKind.CONFERENCE).first()
    if activity is None:
        raise Http404
    return activity


def _call_page(request, activity, status=200, **forms_):
    call = AbstractCall.objects.filter(activity=activity).select_related("review_round").first()
    manage = request.user.has_code(MANAGE) and selectors.activities_for(request.user, MANAGE).filter(
        pk=activity.pk).exists()
    context = {"activity": activity, "call": call, "may_manage": manage,
               "submissions": call.submissions.select_related("person") if call else [],
               "may_review": manage and request.user.has_code(abstracts.REVIEW)}
    context.update(forms_)
    if call is None and manage and "call_form" not in context:
        context["call_form"] = CallForm(initial={"opens_on": timezone.localdate(), "closes_on": activity.starts_on})
    return render(request, "activities/abstracts/call.html", context, status=status)


@login_required
@require_GET
def call_detail(request, pk):
    """A conference's call for abstracts (or the form to open one) and its abstracts."""
    _require(request, VIEW)
    return _call_page(request, _activity_of(request, pk))


@login_required
@require_POST
def call_open(request, pk):
    _require(request, MANAGE)
    activity = _activity_of(request, pk, MANAGE)
    form = CallForm(request.POST)
    return form_step(request, form, lambda d: abstracts.call_open(by=request.user, activity=activity, data=d),
                     _("The call for abstracts is open."), done=lambda c: redirect("activities:abstract_call", pk=pk),
                     again=lambda: _call_page(request, activity, status=400, call_form=form))


def _call_of(request, pk, action):
    call = AbstractCall.objects.restrict(request.user, action).filter(activity_id=pk).first()
    if call is None or not selectors.activities_for(request.user, action).filter(pk=pk).exists():
        raise Http404
    return call


class _Empty(forms.Form):
    pass


@login_required
@require_POST
def call_close(request, pk):
    _require(request, MANAGE)
    call = _call_of(request, pk, MANAGE)
    form = _Empty(request.POST)
    return form_step(request, form, lambda _d: abstracts.call_close(by=request.user, call=call),
                     _("The call for abstracts is closed."), done=lambda c: redirect("activities:abstract_call", pk=pk),
                     again=lambda: _call_page(request, call.activity, status=400, step_form=form))


@login_required
@require_POST
def review_send(request, pk):
    _require(request, MANAGE)
    _require(request, abstracts.REVIEW)
    call = _call_of(request, pk, MANAGE)
    form = _Empty(request.POST)
    return form_step(request, form, lambda _d: abstracts.review_send(by=request.user, call=call),
                     _("The abstracts were sent to review."),
                     done=lambda r: redirect("activities:abstract_call", pk=pk),
                     again=lambda: _call_page(request, call.activity, status=400, step_form=form))


def _submission_of(request, pk, action=VIEW):
    submission = AbstractSubmission.objects.restrict(request.user, action).select_related(
        "call__activity", "call__review_round", "person").filter(pk=pk).first()
    if submission is None:
        raise Http404
    return submission


def _submission_page(request, submission, status=200, form=None):
    manage = request.user.has_code(MANAGE) and AbstractSubmission.objects.restrict(request.user, MANAGE).filter(
        pk=submission.pk).exists()
    context = {"submission": submission, "result": abstracts.panel_result(submission), "may_manage": manage,
               "call": submission.call, "activity": submission.call.activity}
    if manage and submission.status == SubmissionStatus.UNDER_REVIEW:
        context["decide_form"] = form or DecideForm()
    return render(request, "activities/abstracts/submission.html", context, status=status)


@login_required
@require_GET
def submission_detail(request, pk):
    _require(request, VIEW)
    return _submission_page(request, _submission_of(request, pk))


@login_required
@require_POST
def submission_decide(request, pk):
    _require(request, MANAGE)
    submission = _submission_of(request, pk, MANAGE)
    form = DecideForm(request.POST)
    return form_step(request, form, lambda d: abstracts.submission_decide(
        by=request.user, submission=submission, accept=d["decision"] == "accept", note=d["note"]),
        _("The decision was recorded and the submitter notified."),
        done=lambda s: redirect("activities:abstract_detail", pk=s.pk),
        again=lambda: _submission_page(request, submission, status=400, form=form))


# --- the S&T worker's own pages -------------------------------------------------------------------

@login_required
@require_GET
def my_abstracts(request):
    """我的论文摘要: the account's own abstracts and the calls taking abstracts now."""
    submissions = AbstractSubmission.objects.filter(submitted_by=request.user).select_related("call__activity")
    return render(request, "activities/abstracts/mine.html", {
        "submissions": submissions, "calls": abstracts.open_calls()})


@login_required
@require_http_methods(["GET", "POST"])
def my_submit(request, pk):
    """Submit an abstract to a call taking abstracts today (any other call: 404)."""
    call = abstracts.open_calls().filter(pk=pk).first()
    if call is None:
        raise Http404
    form = SubmitForm(request.POST or None, call=call)
    return form_page(request, "activities/abstracts/submit.html", {"form": form, "call": call}, form,
                     lambda d: abstracts.submission_submit_mine(by=request.user, call=call, data=d),
                     _("Your abstract was submitted."), done=lambda s: redirect("activities:my_abstracts"))


