from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of every app, put together. At the top of the dependency graph: it may import
    every app; no app imports it."""

    name = "minka.demo"
    verbose_name = "Demo"
