"""Edit a community's knowledge directory (GIGGUARD_KNOWLEDGE_DIR) safely.

A change is validated exactly as a reload would load it (a copy of the directory with the
change applied is loaded), and written only if valid, one file at a time with an atomic
rename, so a bad edit changes nothing and the bot keeps serving what it has.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.knowledge.loader import DEFAULT_DIR, KnowledgeError, load_knowledge
from core.knowledge.models import CommunityNote, CommunityTopic, Source

FAQ = "faq.yaml"
SOURCES = "sources.yaml"
NOTES = "notes.yaml"
EDITABLE = (FAQ, SOURCES)  # edited as text; notes per community (they name their community)


def community_id(platform: str, community: str) -> str:
    """How notes.yaml names a community: `slack/T0123`, `discord/1234`."""
    return f"{platform}/{community}"


class CommunityFiles:
    def __init__(self, directory: Path, *, shipped: Path = DEFAULT_DIR) -> None:
        self.directory = directory
        self._shipped = shipped

    def read(self, name: str) -> str:
        path = self.directory / name
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def notes(self) -> list[CommunityNote]:
        return load_knowledge(self._shipped, overrides=self.directory).notes

    def check(self, changes: Mapping[str, str]) -> None:
        """Raise KnowledgeError (file, line, field, reason) if the directory with `changes`
        applied would not load; the message names the real files, not the scratch copy."""
        with tempfile.TemporaryDirectory(prefix="gigguard-knowledge-") as scratch:
            copy = Path(scratch) / "knowledge"
            shutil.copytree(self.directory, copy)
            for name, text in changes.items():
                (copy / name).write_text(text, encoding="utf-8")
            try:
                load_knowledge(self._shipped, overrides=copy)
            except KnowledgeError as exc:
                raise KnowledgeError(str(exc).replace(str(copy), str(self.directory))) from exc

    def save(self, changes: Mapping[str, str]) -> None:
        self.check(changes)
        for name, text in changes.items():
            target = self.directory / name
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, target)

    def notes_with(self, note: CommunityNote) -> str:
        """notes.yaml's text with `note` appended."""
        return self._appended(NOTES, note.model_dump(exclude_none=True))

    def faq_with(self, topic: CommunityTopic) -> str:
        """faq.yaml's text with `topic` appended."""
        return self._appended(FAQ, topic.model_dump(mode="json", exclude_none=True))

    def sources_with(self, source: Source) -> str:
        """sources.yaml's text with `source` appended."""
        return self._appended(SOURCES, source.model_dump(mode="json"))

    def _appended(self, name: str, entry: dict[str, object]) -> str:
        entries = self._raw(name)
        entries.append(entry)
        return yaml.safe_dump(entries, sort_keys=False, allow_unicode=True)

    def notes_without(self, index: int, community: str) -> str:
        """notes.yaml's text without entry `index`, which must belong to `community`."""
        entries = self._raw(NOTES)
        if not 0 <= index < len(entries) or entries[index].get("community") != community:
            raise KnowledgeError(f"{self.directory / NOTES}: no note {index} in this community")
        del entries[index]
        return yaml.safe_dump(entries, sort_keys=False, allow_unicode=True)

    def _raw(self, name: str) -> list[dict[str, object]]:
        found = yaml.safe_load(self.read(name)) or []
        if not isinstance(found, list):
            raise KnowledgeError(f"{self.directory / name}: expected a list of entries")
        return found


@dataclass(frozen=True, slots=True)
class EditableKnowledge:
    """The community's knowledge directory and how to apply an edit: `reload` loads it here
    and in every other running bot, False when the files on disk were refused."""

    files: CommunityFiles
    reload: Callable[[], Awaitable[bool]]
