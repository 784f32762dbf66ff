"""The full list of /optout subcommands, in the order `help` shows them."""

from __future__ import annotations

from core.commands import (
    ask,
    broadcasts,
    dashboard,
    feedback,
    inbox,
    info,
    language,
    moderation,
    policy,
    privacy,
    reminders,
    status,
    welcome,
)
from core.commands.context import CommandContext
from core.commands.registry import Argument, CommandSpec, Registry
from core.knowledge import Knowledge
from core.progress import toggle_ref
from core.replies import Reply, Section


def build_registry(knowledge: Knowledge) -> Registry:
    msg = knowledge.message
    toggles = tuple(
        dict.fromkeys(
            toggle_ref(knowledge, g, t) for g in knowledge.toggle_marketplaces() for t in g.toggles
        )
    )
    toggle_arg = Argument("toggle", msg("arg_toggle"), (*toggles, status.ALL), required=True)
    specs: list[CommandSpec] = []

    async def show_help(ctx: CommandContext, args: str) -> Reply:
        visible = [
            s
            for s in specs
            if (ctx.request.actor.is_moderator or not s.moderator_only) and not s.button_only
        ]
        lines = "\n".join(f"/optout {s.usage}: {s.summary}" for s in visible)
        return Reply(blocks=(Section(msg("help_intro"), title=msg("help_title")), Section(lines)))

    async def ask_or_suggest(ctx: CommandContext, args: str) -> Reply:
        return await ask.ask(ctx, args, commands=registry)

    specs += [
        CommandSpec("help", msg("help_help"), show_help),
        CommandSpec(
            "guide",
            msg("help_guide"),
            info.guide,
            Argument("marketplace", msg("arg_marketplace"), tuple(knowledge.guides)),
        ),
        CommandSpec("status", msg("help_status"), status.status),
        CommandSpec("done", msg("help_done"), status.done, toggle_arg),
        CommandSpec("undo", msg("help_undo"), status.undo, toggle_arg),
        CommandSpec(
            "ask",
            msg("help_ask"),
            ask_or_suggest,
            Argument("question", msg("arg_question"), required=True),
        ),
        CommandSpec("compare", msg("help_compare"), info.compare),
        CommandSpec(
            "clause",
            msg("help_clause"),
            info.clause,
            Argument("voice", msg("arg_clause"), info.VOICES),
        ),
        CommandSpec(
            "contract",
            msg("help_contract"),
            info.contract,
            Argument("client-opted-out", msg("arg_client"), info.CLIENT_ANSWERS, required=True),
        ),
        CommandSpec("my-data", msg("help_my_data"), privacy.my_data),
        CommandSpec(
            "forget-me",
            msg("help_forget_me"),
            privacy.forget_me,
            Argument("confirm", msg("arg_confirm"), (privacy.CONFIRM,)),
        ),
        CommandSpec(
            "remind",
            msg("help_remind"),
            reminders.remind,
            Argument("when", msg("arg_when"), required=True),
        ),
        CommandSpec(
            "reminders",
            msg("help_reminders"),
            reminders.reminders,
            Argument("action", msg("arg_reminders"), shape=msg("shape_reminders")),
        ),
        CommandSpec(
            "snooze",
            msg("help_snooze"),
            reminders.snooze,
            Argument(
                "reminder-and-delay", msg("arg_snooze"), required=True, shape=msg("shape_snooze")
            ),
        ),
        CommandSpec(
            "tz",
            msg("help_tz"),
            reminders.tz,
            Argument("timezone", msg("arg_tz"), shape=msg("shape_tz")),
        ),
        CommandSpec(
            "lang",
            msg("help_lang"),
            language.lang,
            Argument("language", msg("arg_lang"), language.CHOICES),
        ),
        CommandSpec("mute", msg("help_mute"), reminders.mute),
        CommandSpec("unmute", msg("help_unmute"), reminders.unmute),
        CommandSpec(
            "stats",
            msg("help_stats"),
            moderation.stats,
            Argument("action", msg("arg_stats"), (moderation.EXPORT,)),
            moderator_only=True,
        ),
        CommandSpec(
            "policy-update",
            msg("help_policy_update"),
            policy.policy_update,
            Argument(
                "marketplace-and-note",
                msg("arg_policy_update"),
                shape=msg("shape_policy_update"),
            ),
            moderator_only=True,
        ),
        CommandSpec(
            "broadcast",
            msg("help_broadcast"),
            broadcasts.broadcast,
            Argument("order", msg("arg_broadcast"), required=True, shape=msg("shape_broadcast")),
            moderator_only=True,
        ),
        CommandSpec(
            "broadcasts",
            msg("help_broadcasts"),
            broadcasts.broadcasts,
            Argument("action", msg("arg_broadcasts"), shape=msg("shape_broadcasts")),
            moderator_only=True,
        ),
        CommandSpec("dashboard", msg("help_dashboard"), dashboard.dashboard, moderator_only=True),
        CommandSpec(
            "welcome",
            msg("help_welcome"),
            welcome.welcome,
            Argument("setting", msg("arg_welcome"), welcome.CHOICES),
            moderator_only=True,
        ),
        CommandSpec(
            "inbox",
            msg("help_inbox"),
            inbox.inbox,
            Argument("action", msg("arg_inbox")),
            moderator_only=True,
        ),
        CommandSpec(
            inbox.SEND_COMMAND,
            "",
            inbox.inbox_send,
            Argument("token", "", required=True),
            button_only=True,
        ),
        CommandSpec(inbox.TOPICS_COMMAND, "", inbox.topics, button_only=True),
        CommandSpec(
            feedback.FEEDBACK_COMMAND,
            "",
            feedback.feedback,
            Argument("topic-and-verdict", "", required=True),
            button_only=True,
        ),
    ]
    registry = Registry(specs)
    return registry
