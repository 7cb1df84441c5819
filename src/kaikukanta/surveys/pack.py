"""The feedback meeting pack: one printed page about an area's year.

The area's year in figures (the statistics' own summary, protected as the dashboards
protect it: exact for the national admin, holder counts perturbed for everyone else),
the network's organisations, the results of the local surveys that closed in the year
(under the same rules as the results page) and the public feedback received. Feedback
messages are free text that may name people: they are left out unless the coordinator
asks for them, and reply addresses never appear.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaikukanta.lib.formatting import cell, day, number
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.lib.targets import TargetKind
from kaikukanta.lib.untrusted import pdf_text
from kaikukanta.network.models import Area, Organisation, OrganisationKind, Unit
from kaikukanta.public.models import Feedback
from kaikukanta.stats.exports import cell_key_text
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.stats.selectors import summary_table
from kaikukanta.surveys.errors import PackYearInvalid
from kaikukanta.surveys.models import QuestionKind
from kaikukanta.surveys.selectors import (
    MIN_RESPONSES,
    SurveyResults,
    closed_in_year,
    results,
)

MESSAGES_SHOWN = 5
MESSAGE_EXCERPT = 240
TEXTS_SHOWN = 3
TEXT_EXCERPT = 160


@dataclass
class PackData:
    area: Area
    year: int
    exact: bool
    figures: list[tuple[str, str, str]]  # label, the year, the year before
    network: list[tuple[str, int]]
    surveys: list[SurveyResults]
    feedback_received: int
    feedback_handled: int
    messages: list[str] = field(default_factory=list)


def _excerpt(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def pack_data(*, scope: Scope, area: Area, year: int, with_messages: bool = False,
              today: datetime.date | None = None) -> PackData:
    today = today or timezone.localdate()
    require(scope, Perm.COORDINATE_AREA, area)
    if not 2000 <= year <= today.year:
        raise PackYearInvalid()
    exact = scope.is_national
    table = summary_table(Target(TargetKind.AREA, area), Period.year(year),
                          Period.year(year - 1), exact)
    figures = [(label, cell(cells[0]), cell(cells[1])) for label, cells in table.rows]
    orgs = Organisation.objects.filter(home_area=area, is_active=True)
    units = Unit.objects.filter(organisation__home_area=area, is_active=True,
                                organisation__is_active=True)
    network = [
        (_("Distributors"), orgs.filter(kind=OrganisationKind.DISTRIBUTOR).count()),
        (_("Distributor units"), units.filter(
            organisation__kind=OrganisationKind.DISTRIBUTOR).count()),
        (_("Venues"), orgs.filter(kind=OrganisationKind.VENUE).count()),
        (_("Venue sites"), units.filter(organisation__kind=OrganisationKind.VENUE).count()),
        (_("Ticket sellers"), orgs.filter(kind=OrganisationKind.TICKET_SELLER).count()),
    ]
    feedback = Feedback.objects.filter(area=area, received_at__year=year)
    messages = []
    if with_messages:
        messages = [_excerpt(m, MESSAGE_EXCERPT) for m in
                    feedback.order_by("-received_at").values_list("message", flat=True)
                    [:MESSAGES_SHOWN]]
    return PackData(
        area=area, year=year, exact=exact, figures=figures, network=network,
        surveys=[results(s, today) for s in closed_in_year(area, year, today)],
        feedback_received=feedback.count(),
        feedback_handled=feedback.filter(handled_at__isnull=False).count(),
        messages=messages,
    )


def _question_lines(res: SurveyResults) -> list[str]:
    lines = []
    for q in res.questions:
        if q.kind == QuestionKind.SCALE:
            mean = "–" if q.mean is None else number(q.mean, 2)
            counts = ", ".join(f"{v}: {c}" for v, c in q.counts)
            lines.append(_("%(question)s – mean %(mean)s (answers %(n)s; %(counts)s)") % {
                "question": q.question.text, "mean": mean, "n": q.answered, "counts": counts})
        elif q.kind == QuestionKind.CHOICE:
            counts = ", ".join(f"{o} {c}" for o, c in q.counts)
            lines.append(_("%(question)s – %(counts)s") % {"question": q.question.text,
                                                           "counts": counts})
        else:
            shown = "; ".join(f"“{_excerpt(t, TEXT_EXCERPT)}”" for t in q.texts[:TEXTS_SHOWN])
            lines.append(ngettext("%(question)s – %(n)s short answer: %(texts)s",
                                  "%(question)s – %(n)s short answers: %(texts)s",
                                  q.answered) % {
                "question": q.question.text, "n": q.answered, "texts": shown or "–"})
    return lines


def pack_pdf(data: PackData) -> bytes:
    """One A4 page; the content is shrunk to fit if it would not."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    heading = _("Feedback meeting %(year)s: %(area)s") % {"year": data.year,
                                                           "area": data.area.name}
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=heading, author="Kaikukanta",
                            leftMargin=1.6 * cm, rightMargin=1.6 * cm, topMargin=1.4 * cm,
                            bottomMargin=1.4 * cm)
    styles = getSampleStyleSheet()
    body, small, h2 = styles["BodyText"], styles["Italic"], styles["Heading3"]

    def p(text, style=body):  # every text passes `pdf_text` (names are typed by people)
        return Paragraph(pdf_text(text), style)

    story = [p(heading, styles["Title"]),
             p(_("From Kaikukanta, made %(today)s.") % {"today": day(timezone.localdate())},
               body)]

    # the year in figures and the network, side by side
    rows = [[p(_("Figure")), str(data.year), str(data.year - 1)]]
    rows += [[p(label), a, b] for label, a, b in data.figures]
    figures = PdfTable(rows, colWidths=[6.4 * cm, 2 * cm, 2 * cm])
    net_rows = [[p(_("Organisations (today)")), ""]] + [[p(k), number(v)] for k, v in data.network]
    network = PdfTable(net_rows, colWidths=[4.2 * cm, 1.4 * cm])
    style = TableStyle([("FONTSIZE", (0, 0), (-1, -1), 8), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("TOPPADDING", (0, 0), (-1, -1), 1),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    figures.setStyle(style)
    network.setStyle(style)
    side = PdfTable([[figures, network]], colWidths=[10.8 * cm, 6.2 * cm])
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [p(_("The year in figures"), h2), side,
              p(cell_key_text() if not data.exact else "", small)]

    story.append(p(_("Local surveys"), h2))
    if not data.surveys:
        story.append(p(_("No local survey closed in %(year)s.") % {"year": data.year}))
    for res in data.surveys:
        story.append(p(ngettext("%(title)s (%(n)s answer)", "%(title)s (%(n)s answers)",
                                res.responses) % {"title": res.survey.title,
                                                  "n": res.responses}, styles["Heading4"]))
        if not res.shown:
            story.append(p(_("Fewer than %(n)s answers: the results are not shown.") % {
                "n": MIN_RESPONSES}))
            continue
        story += [p("• " + line) for line in _question_lines(res)]

    story.append(p(_("Public feedback"), h2))
    story.append(p(_("Received through the public feedback form in %(year)s: %(n)s, of "
                     "which handled %(handled)s.") % {
        "year": data.year, "n": data.feedback_received, "handled": data.feedback_handled}))
    story += [p("• " + m) for m in data.messages]
    story.append(Spacer(1, 0.2 * cm))
    doc.build([KeepInFrame(doc.width, doc.height, story, mode="shrink")])
    return buf.getvalue()
