"""The Slack adapter's own tables that name a member, for `my-data` and `forget-me`.

slack_sdk's installation store (OAuth mode) records who installed the app in
`slack_installations.user_id` (its default table name; migration 0005 creates it in every
database, so the table is covered whether or not this process runs Slack). Importing this
module loads no Slack library.
"""

from __future__ import annotations

from core.storage.personal_data import AdapterTable

MEMBER_TABLES = (AdapterTable(name="slack_installations", user_column="user_id", platform="slack"),)
