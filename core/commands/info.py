"""`guide`, `compare`, `clause`, `contract`: what the policy means and what to do about it."""

from __future__ import annotations

from core.commands.checklist import checklists, member_progress
from core.commands.context import CommandContext
from core.errors import UserInputError
from core.knowledge.models import MarketplaceGuide
from core.replies import Button, ButtonStyle, CodeBlock, Reply, Section, Table
from core.text import quote

CLIENT_ANSWERS = ("yes", "no", "unknown")
VOICES = ("seller", "buyer")


def _guide_for(ctx: CommandContext, args: str) -> MarketplaceGuide:
    wanted = args.strip().lower() or next(iter(g.id for g in ctx.knowledge.toggle_marketplaces()))
    guide = ctx.knowledge.guides.get(wanted)
    if guide is None:
        valid = ", ".join(ctx.knowledge.guides)
        raise UserInputError(ctx.msg("marketplace_unknown", given=quote(args), valid=valid))
    return guide


def _controls(ctx: CommandContext, chosen: MarketplaceGuide) -> Section:
    """Who decides each toggle: a shared one stays out of training if either party is out."""
    lines = [
        ctx.msg(
            "guide_control_shared" if t.double_opt_in else "guide_control_own",
            toggle=t.name,
            controlled_by=t.controlled_by,
        )
        for t in chosen.toggles
    ]
    return Section("\n".join(f"• {line}" for line in lines), title=ctx.msg("guide_controls_title"))


async def guide(ctx: CommandContext, args: str) -> Reply:
    chosen = _guide_for(ctx, args)
    steps = tuple(
        Section(step.text, title=ctx.msg("guide_step", number=n, title=step.title))
        for n, step in enumerate(chosen.steps, start=1)
    )
    intro = Section(chosen.summary, title=ctx.msg("guide_title", marketplace=chosen.name))
    notes = (Section("\n".join(f"• {note}" for note in chosen.notes)),) if chosen.notes else ()
    if chosen.toggles:
        return Reply(
            blocks=(intro, *steps, _controls(ctx, chosen), *await checklists(ctx), *notes),
            context=ctx.knowledge.cite(chosen),
        )
    return Reply(
        blocks=(intro, *steps, *notes),
        buttons=(Button(ctx.msg("button_clause"), "clause", ButtonStyle.PRIMARY),),
        context=ctx.knowledge.cite(chosen),
    )


async def compare(ctx: CommandContext, args: str) -> Reply:
    table = ctx.knowledge.comparison
    names = tuple(ctx.knowledge.guides[m].name for m in table.marketplaces)
    rows = tuple((row.feature, *(row.values[m] for m in table.marketplaces)) for row in table.rows)
    return Reply(
        blocks=(
            Table(headers=(ctx.msg("compare_feature"), *names), rows=rows, title=table.title),
            Section(table.verdict),
        ),
        context=ctx.knowledge.cite(*table.rows),
        ephemeral=False,
    )


async def clause(ctx: CommandContext, args: str) -> Reply:
    """The seller's clause unless asked for the buyer's: members are freelancers, who sell on
    Fiverr; the other voice is one button away."""
    wanted = args.strip().lower() or VOICES[0]
    if wanted not in VOICES:
        raise UserInputError(ctx.msg("clause_usage", given=quote(args), valid="|".join(VOICES)))
    clause = ctx.knowledge.clause
    voice = clause.voices()[wanted]
    other = next(v for v in VOICES if v != wanted)
    return Reply(
        blocks=(
            Section(voice.usage, title=ctx.msg(f"clause_title_{wanted}", title=clause.title)),
            CodeBlock(voice.text),
        ),
        buttons=(Button(ctx.msg(f"button_clause_{other}"), f"clause {other}"),),
        context=ctx.knowledge.cite(clause),
        ephemeral=False,
    )


async def contract(ctx: CommandContext, args: str) -> Reply:
    """The double opt-in check: for each data category, can this contract's data be trained on."""
    client = args.strip().lower()
    if client not in CLIENT_ANSWERS:
        raise UserInputError(
            ctx.msg(
                "contract_usage",
                given=quote(args) if client else "",
                valid="|".join(CLIENT_ANSWERS),
            )
        )
    progress = await member_progress(ctx)
    rows = []
    for marketplace in ctx.knowledge.toggle_marketplaces():
        for toggle in marketplace.toggles:
            member_off = progress.is_off(marketplace.id, toggle.id)
            verdict, why = _contract_verdict(ctx, member_off, client, toggle.double_opt_in)
            rows.append((toggle.name, verdict, why))
    topic = ctx.knowledge.topics["client-protection"]
    return Reply(
        blocks=(
            Table(
                headers=(
                    ctx.msg("contract_category"),
                    ctx.msg("contract_can_train"),
                    ctx.msg("contract_why"),
                ),
                rows=tuple(rows),
                title=ctx.msg("contract_title", client=client),
            ),
        ),
        context=ctx.knowledge.cite(topic),
    )


def _contract_verdict(
    ctx: CommandContext, member_off: bool, client: str, double_opt_in: bool
) -> tuple[str, str]:
    if member_off:
        reason = "contract_you_off_shared" if double_opt_in else "contract_you_off_own"
        return ctx.msg("contract_no"), ctx.msg(reason)
    if not double_opt_in:
        return ctx.msg("contract_yes"), ctx.msg("contract_own_setting_on")
    if client == "yes":
        return ctx.msg("contract_no"), ctx.msg("contract_client_off")
    if client == "no":
        return ctx.msg("contract_yes"), ctx.msg("contract_both_on")
    return ctx.msg("contract_maybe"), ctx.msg("contract_client_unknown")
