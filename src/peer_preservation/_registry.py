"""Inspect entry point: importing this module registers the tasks and model providers of peer_preservation."""

from .adapter.tasks import (  # noqa: F401
    alignment_faking,
    exfiltration_deletion,
    exfiltration_transfer,
    misrep_evaluation,
    misrep_finance,
    suite,
    tampering,
)
from .models import EmbeddedModelAPI, PromptedModelAPI  # noqa: F401
from .reference.provider import ReferenceAgent  # noqa: F401
