"""Policy knowledge: data files validated at load."""

from core.knowledge.loader import KnowledgeError, load_knowledge
from core.knowledge.models import Knowledge

__all__ = ["Knowledge", "KnowledgeError", "load_knowledge"]
