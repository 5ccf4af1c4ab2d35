from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """No models: installed only so that `seed_demo` and `bench` are management commands."""

    name = "synthetic"
    verbose_name = "Synthetic data"
