"""Plural forms of UI strings, chosen by count the way CLDR names them.

A message in messages.yaml is either one text or a mapping from CLDR plural category to text:

    forget_me_done:
      one: "I deleted {count} record about you."
      other: "I deleted {count} records about you."

`{count}` picks the form. A translator writes the categories their language has (Spanish and
English: one, other; Portuguese: one, other, with 0 in "one"); `other` is always required, as in
CLDR. The rule that maps a number to a category is the language's, from CLDR
(https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html), one
line per language below.
"""

from __future__ import annotations

from collections.abc import Callable

CATEGORIES = ("zero", "one", "two", "few", "many", "other")
COUNT = "count"  # the placeholder whose value picks the form


def _one_if_1(n: int) -> str:
    return "one" if n == 1 else "other"


def _one_if_0_or_1(n: int) -> str:
    return "one" if n in (0, 1) else "other"


# Integer counts only: every plural message counts whole things (members, records, days).
RULES: dict[str, Callable[[int], str]] = {
    "en": _one_if_1,
    "es": _one_if_1,
    "pt": _one_if_0_or_1,
}


def category(language: str, count: int) -> str:
    """The CLDR category of `count` in `language` ("en", "pt-BR"); unknown languages: English."""
    rule = RULES.get(language.split("-")[0].lower(), _one_if_1)
    return rule(abs(count))


def choose(forms: dict[str, str], language: str, count: int) -> str:
    """The form for `count`, or `other` when the translator gave no form for its category."""
    return forms.get(category(language, count), forms["other"])
