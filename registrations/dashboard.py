"""What an event's dashboard shows: attendance, and registrations over time as a chart."""

from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from events.models import Event

from .models import Registration

CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN, CHART_BAR_WIDTH = 640, 200, 40, 40


def attendance(event: Event, counts: dict[str, int], *, now: datetime | None = None) -> dict:
    """Who came and who did not, of the confirmed attendees.

    Before the event starts nobody is a no-show yet: ``started`` tells the page which words to
    use for the confirmed people who have not checked in.
    """
    now = now or timezone.now()
    confirmed, checked_in = counts["confirmed"], counts["checked_in"]
    return {
        "started": event.starts_at <= now,
        "ended": event.ends_at <= now,
        "confirmed": confirmed,
        "checked_in": checked_in,
        "not_checked_in": confirmed - checked_in,
        # A share of nobody is no share: the page says so instead of "0%".
        "rate": round(100 * checked_in / confirmed) if confirmed else None,
    }


def registrations_by_day(event: Event) -> list[tuple[date, int]]:
    """Registrations made per day in the event's timezone, whatever became of them since
    (cancelled and waiting list included); days without any included."""
    per_day = dict(
        Registration.objects.filter(event=event)
        .annotate(day=TruncDate("created_at", tzinfo=event.tzinfo))
        .values_list("day")
        .annotate(count=Count("pk"))
        .order_by("day")
        .values_list("day", "count")
    )
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    return [(day, per_day.get(day, 0)) for day in days]


def _ticks(top: int, baseline: float, plot_height: float) -> list[dict]:
    """0, the middle (when it is a whole number apart from both ends) and ``top``, placed on
    an axis whose ``top`` is the plot's top."""
    values = [0, top // 2, top] if top >= 4 else [0, top]
    return [
        {"value": value, "y": round(baseline - plot_height * value / top, 1)}
        for value in dict.fromkeys(values)
    ]


def registrations_chart(days: list[tuple[date, int]]) -> dict:
    """Bars for each day's registrations against the left axis and a line for the running
    total against the right one, in SVG units."""
    if not days:
        return {}
    plot_width = CHART_WIDTH - 2 * CHART_MARGIN
    plot_height = CHART_HEIGHT - 2 * CHART_MARGIN
    baseline = CHART_HEIGHT - CHART_MARGIN
    total = sum(count for _day, count in days)
    busiest = max(count for _day, count in days)
    step = plot_width / len(days)
    bars, points, running = [], [], 0
    for index, (day, count) in enumerate(days):
        running += count
        height = plot_height * count / busiest
        x = CHART_MARGIN + index * step
        width = min(step * 0.8, CHART_BAR_WIDTH)
        bars.append(
            {
                "x": round(x + (step - width) / 2, 1),
                "y": round(baseline - height, 1),
                "width": round(width, 1),
                "height": round(height, 1),
                "day": day,
                "count": count,
                "running": running,
            }
        )
        y = baseline - plot_height * running / total
        points.append(f"{round(x + step / 2, 1)},{round(y, 1)}")
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "margin": CHART_MARGIN,
        "top": CHART_MARGIN,
        "baseline": baseline,
        "right": CHART_WIDTH - CHART_MARGIN,
        "bars": bars,
        "line": " ".join(points),
        "day_ticks": _ticks(busiest, baseline, plot_height),
        "total_ticks": _ticks(total, baseline, plot_height),
        "total": total,
        "busiest": busiest,
        "first": days[0][0],
        "last": days[-1][0],
    }
