"""Inspect entry point: importing this module registers the tasks (`suite`, one per scenario family of the
registry, and `followup`) and the model providers of peer_preservation."""

from .adapter import tasks  # noqa: F401
from .interview import task as interview_task  # noqa: F401
from .models import EmbeddedModelAPI, PromptedModelAPI  # noqa: F401
from .reference.provider import ReferenceAgent  # noqa: F401
