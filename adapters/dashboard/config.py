"""What the dashboard is given by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from core.dashboard.models import ModeratorCheck
from core.knowledge.community_files import CommunityFiles


@dataclass(frozen=True, slots=True)
class DashboardConfig:
    public_url: str  # GIGGUARD_PUBLIC_URL: https makes the session cookie Secure
    # Per platform, the adapter's own moderator rule, re-applied at every request.
    checks: Mapping[str, ModeratorCheck] = field(default_factory=dict)
    files: CommunityFiles | None = None  # GIGGUARD_KNOWLEDGE_DIR, when set
    # Reload the knowledge here and in every other `gigguard run`; False if the files are bad.
    reload: Callable[[], Awaitable[bool]] | None = None

    @property
    def secure_cookie(self) -> bool:
        return self.public_url.lower().startswith("https://")
