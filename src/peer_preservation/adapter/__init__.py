"""The thin Inspect AI adapter: tasks over the grid, world tools as Inspect tools, the paper's agent loop, scorer."""

from .agent import paper_agent
from .scorer import preservation_scorer, rates
from .tasks import TaskFilter, preservation_task, slice_task
from .tools import world_tools

__all__ = [
    "TaskFilter",
    "paper_agent",
    "preservation_scorer",
    "preservation_task",
    "rates",
    "slice_task",
    "world_tools",
]
