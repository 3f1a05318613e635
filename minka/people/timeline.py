"""A family's whole story on one page. The apps that record something about a family (field
records, trainings, credit…) register a provider here; people does not import them.

A provider is called with (household, user) and returns a `Story`: dated events and small charts."""

from dataclasses import dataclass, field

PROVIDERS = []


@dataclass
class Event:
    date: object
    kind: str  # a CSS-friendly key: production, quality, practices, visit, training, income…
    title: str
    detail: str = ""
    url: str = ""
    verdict: object = None  # True / False / None for records judged against thresholds


@dataclass
class Chart:
    title: str
    unit: str
    points: list  # (label, value) oldest first
    style: str = "line"  # or "bars"


@dataclass
class Story:
    events: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def register(provider):
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def story_of(household, user, limit=60):
    """Every provider's events, newest first (at most `limit`), with all their charts."""
    story = Story()
    for provider in PROVIDERS:
        part = provider(household, user)
        story.events.extend(part.events)
        story.charts.extend(part.charts)
        story.counts.update(part.counts)
    story.events.sort(key=lambda e: e.date, reverse=True)
    story.total = len(story.events)
    story.events = story.events[:limit]
    return story
