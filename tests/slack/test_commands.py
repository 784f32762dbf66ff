"""Every /optout subcommand over the wire: signed request in, response_url posts out."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.slack.conftest import CONFIGURED_MODERATOR
from tests.slack.fake_slack import Call
from tests.slack.slack_sim import SlackSim


def section_texts(call: Call) -> list[str]:
    return [block["text"]["text"] for block in call.blocks if block["type"] == "section"]


def my_data(call: Call) -> dict[str, Any]:
    code = next(text for text in section_texts(call) if text.startswith("```"))
    return json.loads(code.strip("`\n"))


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in blocks if "accessory" in b]
    found += [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return found


async def test_help_lists_member_commands_ephemerally(slack: SlackSim) -> None:
    (reply,) = await slack.run("help")
    assert reply.params["response_type"] == "ephemeral"
    assert "/optout status" in reply.text
    assert "/optout stats" not in reply.text
    assert reply.blocks[0]["text"]["text"].startswith("*gigguard")


async def test_empty_command_shows_help(slack: SlackSim) -> None:
    (reply,) = await slack.run("")
    assert "/optout my-data" in reply.text


async def test_guide_has_steps_checklist_buttons_and_source(slack: SlackSim) -> None:
    (reply,) = await slack.run("guide")
    assert "Opting out on Upwork" in reply.text
    assert {b["value"] for b in buttons(reply.blocks)} >= {
        "done work-product",
        "done communications",
    }
    assert (
        reply.blocks[-1]["type"] == "context"
        and "Source" in reply.blocks[-1]["elements"][0]["text"]
    )


async def test_guide_for_fiverr_offers_the_clause_button(slack: SlackSim) -> None:
    (reply,) = await slack.run("guide fiverr")
    assert [b["value"] for b in buttons(reply.blocks)] == ["clause"]


async def test_status_done_undo_cycle(slack: SlackSim) -> None:
    (status,) = await slack.run("status")
    assert status.blocks[0]["type"] == "header"
    (done,) = await slack.run("done work-product")
    assert "Recorded: Work Product Data switched off" in done.text
    assert "gigguard:undo work-product" in {b["action_id"] for b in buttons(done.blocks)}
    (data,) = await slack.run("my-data")
    assert my_data(data)["toggles"]["work-product"]["off"] is True
    await slack.run("undo work-product")
    (data,) = await slack.run("my-data")
    assert my_data(data)["toggles"]["work-product"]["off"] is False


async def test_ask_answers_with_source(slack: SlackSim) -> None:
    (reply,) = await slack.run("ask does my opt-out protect my client?")
    assert reply.params["response_type"] == "ephemeral"
    assert reply.blocks[-1]["type"] == "context"
    assert len(reply.text) > 40


async def test_compare_and_clause_are_posted_in_channel(slack: SlackSim) -> None:
    (compare,) = await slack.run("compare")
    assert compare.params["response_type"] == "in_channel"
    assert any(text.startswith("```") and "Upwork" in text for text in section_texts(compare))
    (clause,) = await slack.run("clause")
    assert clause.params["response_type"] == "in_channel"
    assert any(text.startswith("```") for text in section_texts(clause))


async def test_contract_table(slack: SlackSim) -> None:
    (reply,) = await slack.run("contract unknown")
    assert "Possibly" in reply.text


async def test_my_data_is_the_member_s_own(slack: SlackSim) -> None:
    (reply,) = await slack.run("my-data", user="U0OTHER")
    assert my_data(reply)["member"] == {
        "platform": "slack",
        "workspace": "T0FAKE",
        "user": "U0OTHER",
    }


async def test_forget_me_asks_then_deletes(slack: SlackSim) -> None:
    await slack.run("done all")
    (ask,) = await slack.run("forget-me")
    assert [b["value"] for b in buttons(ask.blocks)] == ["forget-me confirm"]
    assert buttons(ask.blocks)[0]["style"] == "danger"
    (done,) = await slack.run("forget-me confirm")
    assert "I deleted 4 records" in done.text
    (data,) = await slack.run("my-data")
    assert not any(t["off"] for t in my_data(data)["toggles"].values())


async def test_stats_for_workspace_admin_and_configured_moderator(slack: SlackSim) -> None:
    slack.fake.admins.add("U0ADMIN")
    (admin,) = await slack.run("stats", user="U0ADMIN")
    assert "Community progress on Upwork" in admin.text
    (configured,) = await slack.run("stats", user=CONFIGURED_MODERATOR)
    assert "Community progress on Upwork" in configured.text
    (help_,) = await slack.run("help", user="U0ADMIN")
    assert "/optout stats" in help_.text


async def test_stats_refused_to_a_member(slack: SlackSim) -> None:
    (reply,) = await slack.run("stats")
    assert "for moderators only" in reply.text
    assert "Community progress" not in reply.text


async def test_users_info_is_cached(slack: SlackSim) -> None:
    await slack.run("status")
    await slack.run("status")
    assert len(slack.fake.calls_to("users.info")) == 1


async def test_unknown_subcommand_suggests(slack: SlackSim) -> None:
    (reply,) = await slack.run("stauts")
    assert "Did you mean /optout status?" in reply.text


async def test_mentions_in_arguments_never_ping(slack: SlackSim) -> None:
    (reply,) = await slack.run("done <!channel> <!here> <@U0ADMIN>")
    assert "I don't know the toggle" in reply.text
    for raw in ("<!channel>", "<!here>", "<@U0ADMIN>"):
        assert raw not in reply.everything
    assert "link_names" not in reply.params and "parse" not in reply.params


async def test_overlong_argument_is_refused_kindly(slack: SlackSim) -> None:
    (reply,) = await slack.run("ask " + "x" * 2001)
    assert "the limit is 2,000" in reply.text
    assert reply.params["response_type"] == "ephemeral"


async def test_forged_signature_is_rejected_and_nothing_runs(slack: SlackSim) -> None:
    status, _ = await slack.post(
        slack.command_body("done all"), "application/x-www-form-urlencoded", secret="forged"
    )
    assert status == 401
    assert slack.fake.calls == []


async def test_stale_timestamp_is_rejected(slack: SlackSim) -> None:
    status, _ = await slack.post(
        slack.command_body("done all"),
        "application/x-www-form-urlencoded",
        timestamp=int(time.time()) - 6 * 60,
    )
    assert status == 401
    assert slack.fake.calls == []


async def test_health_check(slack: SlackSim) -> None:
    async with slack.session.get(slack.url.replace("/slack/events", "/healthz")) as response:
        assert response.status == 200
        assert await response.json() == {"ok": True}


async def test_a_policy_update_asks_members_to_recheck(slack: SlackSim) -> None:
    await slack.run("done all")
    (recorded,) = await slack.run(
        "policy-update upwork Upwork moved the AI toggles", user=CONFIGURED_MODERATOR
    )
    assert "Nudge" in recorded.text or buttons(recorded.blocks)
    (status,) = await slack.run("status")
    assert status.everything.count("re-check needed") == 3
    assert "done communications" in {b["value"] for b in buttons(status.blocks)}
