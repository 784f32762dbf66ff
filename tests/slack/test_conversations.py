"""Direct messages, button clicks and the App Home tab, over the wire."""

from __future__ import annotations

from core.replies import Reply, Section
from core.requests import Origin, Place
from tests.slack.conftest import StartSim
from tests.slack.fake_core import FixedCore
from tests.slack.fake_slack import BOT_ID, RESPONSE_URL
from tests.slack.slack_sim import MEMBER, SlackSim
from tests.slack.test_commands import buttons, my_data

DM = "D0MEMBER"
HOME = {"type": "view", "view_id": "VHOME"}


async def test_dm_question_is_answered_in_the_dm(slack: SlackSim) -> None:
    status, _ = await slack.dm("does my opt-out protect my client?")
    assert status == 200
    (answer,) = await slack.fake.wait_for("chat.postMessage")
    assert answer.params["channel"] == DM
    assert answer.text and answer.blocks[-1]["type"] == "context"
    assert "link_names" not in answer.params and "parse" not in answer.params


async def test_dm_that_reads_like_a_subcommand_runs_it(slack: SlackSim) -> None:
    await slack.dm("status")
    (answer,) = await slack.fake.wait_for("chat.postMessage")
    assert answer.blocks[0]["type"] == "header"


async def test_a_dm_request_in_plain_words_runs_it_with_an_undo_button(slack: SlackSim) -> None:
    await slack.dm("done with all three 🎉")
    (answer,) = await slack.fake.wait_for("chat.postMessage")
    assert answer.params["channel"] == DM
    assert "Recorded: Communications Data, Work Product Data, Other Platform Data" in answer.text
    assert "undo all" in [b["value"] for b in buttons(answer.blocks)]


async def test_bot_messages_edits_and_other_subtypes_are_ignored(slack: SlackSim) -> None:
    await slack.dm("from a bot", bot_id="B0OTHER", subtype="bot_message")
    await slack.dm("my own echo", bot_id=BOT_ID, user="UBOT")
    await slack.dm("edited", subtype="message_changed")
    await slack.dm("joined", subtype="channel_join")
    await slack.event(
        "message_im", text="in a channel", channel="C0GENERAL", channel_type="channel"
    )
    await slack.dm("the real one")
    (only,) = await slack.fake.wait_for("chat.postMessage")
    assert slack.fake.calls_to("users.info")[0].params["user"] == MEMBER
    assert len(slack.fake.calls_to("chat.postMessage")) == 1 and only.params["channel"] == DM


async def test_click_in_an_ephemeral_reply_replaces_it(slack: SlackSim) -> None:
    status, body = await slack.click("done work-product")
    assert (status, body) == (200, "")
    (replaced,) = await slack.fake.wait_for_response("click")
    assert replaced.params["replace_original"] is True
    assert "Recorded: Work Product Data switched off" in replaced.text
    (data,) = await slack.run("my-data")
    assert my_data(data)["toggles"]["work-product"]["off"] is True


async def test_click_in_a_dm_updates_the_message(slack: SlackSim) -> None:
    container = {
        "type": "message",
        "message_ts": "1700000400.000100",
        "channel_id": DM,
        "is_ephemeral": False,
    }
    await slack.click("done communications", container=container)
    (update,) = await slack.fake.wait_for("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (DM, "1700000400.000100")
    assert "gigguard:undo communications" in {b["action_id"] for b in buttons(update.blocks)}
    assert slack.fake.calls_to(RESPONSE_URL) == []


async def test_click_on_a_public_message_answers_privately(slack: SlackSim) -> None:
    container = {
        "type": "message",
        "message_ts": "1700000500.000100",
        "channel_id": "C0GENERAL",
        "is_ephemeral": False,
    }
    await slack.click("ask client-protection", container=container)
    (answer,) = await slack.fake.wait_for_response("click")
    assert answer.params["replace_original"] is False
    assert answer.params["response_type"] == "ephemeral"
    assert slack.fake.calls_to("chat.update") == []


async def test_home_tab_shows_checklist_and_guide(slack: SlackSim) -> None:
    await slack.event("app_home_opened")
    (publish,) = await slack.fake.wait_for("views.publish")
    view = publish.params["view"]
    assert publish.params["user_id"] == MEMBER and view["type"] == "home"
    assert view["blocks"][0]["type"] == "header"
    action_ids = [b["accessory"]["action_id"] for b in view["blocks"] if "accessory" in b]
    assert len(action_ids) == len(set(action_ids)) == 3
    assert any("Opting out on Upwork" in str(b) for b in view["blocks"])


async def test_messages_tab_does_not_publish(slack: SlackSim) -> None:
    await slack.event("app_home_opened", tab="messages")
    await slack.event("app_home_opened")
    await slack.fake.wait_for("views.publish")
    assert len(slack.fake.calls_to("views.publish")) == 1


async def test_click_in_home_records_and_republishes(slack: SlackSim) -> None:
    await slack.click("done other-platform", container=HOME, response=None)
    (publish,) = await slack.fake.wait_for("views.publish")
    blocks = publish.params["view"]["blocks"]
    assert "Recorded: Other Platform Data switched off" in blocks[0]["text"]["text"]
    assert "gigguard:undo other-platform" in {b["action_id"] for b in buttons(blocks)}


async def test_core_gets_what_the_member_typed(sim_for: StartSim) -> None:
    core = FixedCore(Reply(blocks=(Section("ok"),)))
    slack = await sim_for(core)
    await slack.dm("R&amp;D &lt;3 &lt;@U0ADMIN&gt;")
    await slack.fake.wait_for("chat.postMessage")
    await slack.run("ask a &gt; b", channel="D0MEMBER")
    dm, command = core.requests
    assert (dm.text, dm.origin, dm.place) == ("R&D <3 <@U0ADMIN>", Origin.DM_TEXT, Place.DM)
    assert (command.text, command.origin, command.place) == ("ask a > b", Origin.COMMAND, Place.DM)
    assert command.actor.key.workspace == "T0FAKE" and command.channel == "D0MEMBER"
