"""A slide's advice: the fired rules of a territory turned into recommendations."""

from __future__ import annotations

import pandas as pd

from divide.atlas import Atlas
from divide.formatting import format_count
from divide.i18n import t
from divide.indicators import format_value, value_column
from divide.knowledge import Knowledge
from divide.recommend import Match, evaluate, rule_status
from divide.registry import indicator
from divide.story.facts import as_float
from divide.story.outline import ALL_NEEDS, MAX_INITIATIVES, THEMES, Advice


class Advisor:
    """Turns fired rules into :class:`Advice` for one territory."""

    def __init__(
        self, atlas: Atlas, level: str, code: str, name: str, lang: str, kb: Knowledge
    ) -> None:
        self.atlas, self.level, self.code, self.name = atlas, level, code, name
        self.lang, self.kb = lang, kb
        self.matches: list[Match] = (
            [] if level == "france" else evaluate(atlas, level, code, kb=kb)
        )
        self._national: dict[str, pd.DataFrame] = {}

    @property
    def fired(self) -> list[Match]:
        """The rules that fire for the territory."""
        return [m for m in self.matches if m.fired]

    def _initiatives(self, ids) -> tuple[str, ...]:
        names = [self.kb.initiative(i).name for i in dict.fromkeys(ids)]
        return tuple(names[:MAX_INITIATIVES])

    def from_match(self, match: Match) -> Advice:
        """The advice of a fired rule: its first recommendation."""
        rec = self.kb.recommendation(match.recommendations[0])
        return Advice(
            recommendation=rec.id,
            number=rec.number,
            title=rec.title[self.lang],
            summary=rec.summary[self.lang],
            reason=f"{match.title[self.lang]} — {match.reason[self.lang]}",
            rule=match.rule_id,
            initiatives=self._initiatives(match.initiatives),
            source=rec.citation(self.lang),
            fallback=False,
        )

    def top_need(self, ind_ids, *, lead: bool = True) -> str:
        """The territory's largest gap against France among some measures.

        The gap is relative to France's value, on the side where the measure is
        worse; with ``lead``, the first measure (the slide's own) is stated
        whenever it is worse than France. A territory at or better than France
        on all of them is told so.
        """
        here = self.atlas.territory(self.level, self.code)
        france = self.atlas.territory("france", None)
        best = None
        for ind_id in ind_ids:
            ind = indicator(ind_id)
            value, national = (
                as_float(here[value_column(ind_id)]),
                as_float(france[value_column(ind_id)]),
            )
            if value is None or national is None or ind.direction == "neutral":
                continue
            worse = (
                value - national
                if ind.direction == "higher_worse"
                else national - value
            )
            relative = worse / abs(national) if national else worse
            if worse > 0 and (best is None or relative > best[0]):
                best = (relative, ind, value, national)
            if lead and best is not None:
                break
            lead = False
        if best is None:
            names = ", ".join(indicator(i).name(self.lang) for i in ind_ids[:3])
            return t("story_need_none", self.lang, name=self.name, measures=names)
        _, ind, value, national = best
        if ind.unit == "share":
            gap = t(
                "story_points",
                self.lang,
                n=format_count(100 * abs(value - national), self.lang, 1),
            )
        else:
            gap = format_value(abs(value - national), ind, self.lang)
        side = "above" if value > national else "below"
        return t(
            "story_need",
            self.lang,
            name=self.name,
            measure=ind.name(self.lang),
            value=format_value(value, ind, self.lang),
            france=format_value(national, ind, self.lang),
            gap=gap,
            side=t(f"story_side_{side}", self.lang),
        )

    def general(
        self,
        rec_id: str,
        reason: str | None = None,
        rule_ids: tuple[str, ...] = (),
        needs: tuple[str, ...] = (),
    ) -> Advice:
        """The general recommendation of a theme, flagged as a fallback.

        Its examples are the initiatives of the theme's rules, else those that
        answer the recommendation. Its reason starts with the territory's top
        need against France (:meth:`top_need`), so every territory is told
        something about itself.
        """
        rec = self.kb.recommendation(rec_id)
        initiatives = [i for r in rule_ids for i in self.kb.rule(r).initiatives] or [
            i.id for i in self.kb.initiatives.values() if rec_id in i.recommendations
        ]
        if reason is None:
            key = (
                "story_fallback_france" if self.level == "france" else "story_fallback"
            )
            reason = t(key, self.lang, name=self.name)
            if self.level != "france":
                found = self.top_need(needs, lead=True) if needs else None
                reason = f"{found or self.top_need(ALL_NEEDS, lead=False)} {reason}"
        return Advice(
            recommendation=rec.id,
            number=rec.number,
            title=rec.title[self.lang],
            summary=rec.summary[self.lang],
            reason=reason,
            rule=None,
            initiatives=self._initiatives(initiatives),
            source=rec.citation(self.lang),
            fallback=True,
        )

    def national_status(self, rule_id: str) -> pd.DataFrame:
        """A rule's status in every département (computed once)."""
        if rule_id not in self._national:
            self._national[rule_id] = rule_status(
                self.atlas, "departement", rule_id, kb=self.kb
            )
        return self._national[rule_id]

    def for_rules(self, rule_ids, general: str, needs: tuple[str, ...] = ()) -> Advice:
        """The strongest fired rule among ``rule_ids`` (all fired when empty).

        When none fires: the general recommendation, with the top need among
        ``needs`` (every theme's measures by default).
        """
        for rid in rule_ids:
            self.kb.rule(rid)  # a renamed rule must fail loudly
        if self.level == "france":
            return self._france(rule_ids, general)
        for match in self.fired:
            if not rule_ids or match.rule_id in rule_ids:
                return self.from_match(match)
        return self.general(general, rule_ids=tuple(rule_ids), needs=needs)

    def for_theme(self, theme_id: str) -> Advice:
        """:meth:`for_rules` with a theme's rules, general advice and measures."""
        theme = THEMES[theme_id]
        return self.for_rules(theme["rules"], theme["general"], theme["needs"])

    def _france(self, rule_ids, general: str) -> Advice:
        """France: the theme's rule that fires in the most départements."""
        best = None
        for rid in rule_ids or tuple(self.kb.rules):
            status = self.national_status(rid)
            hits = status[status["status"] == "fired"]
            if len(hits) and (best is None or len(hits) > len(best[1])):
                best = (rid, hits, len(status))
        if best is None:
            return self.general(general, rule_ids=tuple(rule_ids))
        rid, hits, total = best
        rule = self.kb.rule(rid)
        rec = self.kb.recommendation(rule.recommendations[0])
        examples = hits.sort_values("strength", ascending=False, kind="stable")
        names = ", ".join(str(n) for n in examples["name"].head(3))
        return Advice(
            recommendation=rec.id,
            number=rec.number,
            title=rec.title[self.lang],
            summary=rec.summary[self.lang],
            reason=t(
                "story_france_reason",
                self.lang,
                rule=rule.title[self.lang],
                n=len(hits),
                total=total,
                examples=names,
            ),
            rule=rid,
            initiatives=self._initiatives(rule.initiatives),
            source=rec.citation(self.lang),
            fallback=False,
        )


def aggregate_advice(
    advisor: Advisor, rec_id: str, reason: str, initiative_ids: list[str]
) -> Advice:
    """A recommendation chosen by several rules (the summary slide), with ``reason``."""
    kb, lang = advisor.kb, advisor.lang
    rec = kb.recommendation(rec_id)
    if not initiative_ids:
        initiative_ids = [
            i.id for i in kb.initiatives.values() if rec_id in i.recommendations
        ]
    return Advice(
        recommendation=rec.id,
        number=rec.number,
        title=rec.title[lang],
        summary=rec.summary[lang],
        reason=reason,
        rule=None,
        initiatives=advisor._initiatives(initiative_ids),
        source=rec.citation(lang),
        fallback=False,
    )
