"""Bylaws as rules: the pure evaluation of one meeting of a governing body (no Django).

A ``RuleSet`` is what the articles of a platform's 規約 say about one body (who votes, quorum,
threshold, chair, proxies, e-mail votes, written resolutions); every rule carries the articles
it comes from. ``evaluate(rules, meeting)`` takes one meeting as plain data (the JSON of
``manage.py governance_simulate``) and returns the verdict: quorum, each item's result, the
deemed resolution (みなし決議) and every input it refused, with the article that forbids it.
Refused input is never counted.

All counts are exact integer arithmetic: "at least 2/3 of n" is ``count * 3 >= 2 * n`` and the
number required is the smallest such count (``ceil(2n/3)`` computed as ``-(-2n // 3)``);
"more than half" is ``count * 2 > n``. No floating point anywhere.

Gifu's 規約 (seed 001, 4-2-9) is the model: 第12条 (quorum of two thirds of the 幹事団体,
delegators counted as present), 第13条 (two thirds of the attending members who may take part
in the vote; the chair does not vote; proxies in writing to an attending 幹事団体 for items
notified in advance; e-mail voters count as attending; deemed resolution by two thirds of all
幹事団体 in writing or electronically).

Readings where the articles are silent (documented so the secretariat can check them):
- The denominator of an item is the members who can take part in the vote *on that item*:
  members present in person (less the chair when the chair has no vote), members represented
  by a valid proxy for that item, and e-mail voters who expressed a view on that item. An
  e-mail voter who said nothing on an item counts as present for the quorum (第13条4) but
  cannot vote on that item from outside the room, so is not in its denominator.
- A member present in the room votes there: an e-mail vote from a member present in person is
  refused (voting twice). A member who gave a proxy and also sent an e-mail vote on the same
  item keeps the e-mail vote (their own expression) and the proxy is refused for that item.
- A member in the room who casts no vote is still in the denominator (not voting is not yes).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

YES, NO, ABSTAIN = "yes", "no", "abstain"
CHOICES = (YES, NO, ABSTAIN)

# Denominators of a decision threshold.
BASE_VOTING_ATTENDEES = "voting_attendees"  # 議決に加わることのできる出席会員
BASE_VOTES_CAST = "votes_cast"  # yes + no (abstentions left out)
BASE_VOTES_CAST_WITH_ABSTAIN = "votes_cast_with_abstain"  # yes + no + abstain
BASE_ALL_MEMBERS = "all_members"  # every voting member of the body
BASES = (BASE_VOTING_ATTENDEES, BASE_VOTES_CAST, BASE_VOTES_CAST_WITH_ABSTAIN, BASE_ALL_MEMBERS)

CHAIR_NO_VOTE = "no_vote"  # 議長は採決に加わることができない
CHAIR_CASTING = "casting"  # 可否同数のときは議長の決するところによる
CHAIR_VOTES = "votes"  # the chair votes like any member
CHAIR_MODES = (CHAIR_NO_VOTE, CHAIR_CASTING, CHAIR_VOTES)


class RuleError(ValueError):
    """A rule set or a meeting that cannot be evaluated (malformed input), with a message."""


@dataclass(frozen=True)
class Threshold:
    """``num/den`` of a base; ``strict`` means "more than" (過半数), otherwise "at least" (以上)."""

    num: int
    den: int
    strict: bool = False

    def __post_init__(self) -> None:
        if self.den <= 0 or self.num < 0 or self.num > self.den:
            raise RuleError(f"割合 {self.num}/{self.den} は 0 以上 1 以下の分数にしてください。")

    def met(self, count: int, base: int) -> bool:
        if self.strict:
            return count * self.den > self.num * base
        return count * self.den >= self.num * base

    def required(self, base: int) -> int:
        """The smallest count that meets the threshold over ``base``."""
        if self.strict:
            return self.num * base // self.den + 1
        return -(-self.num * base // self.den)

    def label(self) -> str:
        if (self.num, self.den, self.strict) == (1, 2, True):
            return "過半数"
        return f"{self.den}分の{self.num}" + ("を超える" if self.strict else "以上")


@dataclass(frozen=True)
class RuleSet:
    """What the articles say about one governing body. Articles are labels like 「第13条第2項」."""

    name: str
    quorum: Threshold | None = Threshold(2, 3)
    quorum_counts_proxies: bool = True
    quorum_counts_email_voters: bool = True
    quorum_articles: tuple[str, ...] = ()
    decision: Threshold = Threshold(1, 2, strict=True)
    decision_base: str = BASE_VOTING_ATTENDEES
    decision_articles: tuple[str, ...] = ()
    chair: str = CHAIR_NO_VOTE
    chair_articles: tuple[str, ...] = ()
    proxies_allowed: bool = True
    proxies_only_notified: bool = True
    proxy_holder_must_attend: bool = True
    proxies_per_holder: int | None = None
    proxy_articles: tuple[str, ...] = ()
    email_votes_allowed: bool = False
    email_voters_count_as_present: bool = True
    email_articles: tuple[str, ...] = ()
    written_allowed: bool = False
    written_threshold: Threshold = Threshold(2, 3)
    written_articles: tuple[str, ...] = ()
    membership_articles: tuple[str, ...] = ()
    expulsion_needs_resolution: bool = False
    expulsion_articles: tuple[str, ...] = ()
    officers_by_resolution: bool = False
    officer_articles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.decision_base not in BASES:
            raise RuleError(f"議決の母数「{self.decision_base}」は使えません。")
        if self.chair not in CHAIR_MODES:
            raise RuleError(f"議長の扱い「{self.chair}」は使えません。")
        if self.proxies_per_holder is not None and self.proxies_per_holder < 1:
            raise RuleError("一人が受けられる委任の数は 1 以上にしてください。")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleSet:
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RuleError("知らない規則の項目があります: " + "、".join(unknown))
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("quorum", "decision", "written_threshold"):
                if value is None and key == "quorum":
                    values[key] = None
                    continue
                if not isinstance(value, dict):
                    raise RuleError(f"{key} は {{num, den, strict}} で書いてください。")
                try:
                    values[key] = Threshold(
                        int(value["num"]), int(value["den"]), bool(value.get("strict", False))
                    )
                except (KeyError, TypeError) as exc:
                    raise RuleError(f"{key} は {{num, den, strict}} で書いてください。") from exc
            elif key.endswith("_articles"):
                values[key] = tuple(str(v) for v in value or ())
            else:
                values[key] = value
        return cls(**values)


# ---------------------------------------------------------------------------
# Templates


GIFU = RuleSet(
    name="岐阜県孤独・孤立対策官民連携プラットフォーム規約（プラットフォーム会議）",
    quorum=Threshold(2, 3),
    quorum_counts_proxies=True,
    quorum_counts_email_voters=True,
    quorum_articles=("第12条第1項", "第12条第2項", "第13条第4項"),
    decision=Threshold(2, 3),
    decision_base=BASE_VOTING_ATTENDEES,
    decision_articles=("第13条第1項",),
    chair=CHAIR_NO_VOTE,
    chair_articles=("第13条第2項", "第11条第2項"),
    proxies_allowed=True,
    proxies_only_notified=True,
    proxy_holder_must_attend=True,
    proxies_per_holder=None,
    proxy_articles=("第13条第3項",),
    email_votes_allowed=True,
    email_voters_count_as_present=True,
    email_articles=("第13条第4項",),
    written_allowed=True,
    written_threshold=Threshold(2, 3),
    written_articles=("第13条第5項",),
    membership_articles=("第5条", "第9条"),
    expulsion_needs_resolution=True,
    expulsion_articles=("第8条", "第10条第3号"),
    officers_by_resolution=True,
    officer_articles=("第10条第2号",),
)

# A common 総会 pattern: quorum of a majority with proxies, majority of votes cast, the chair
# votes only to break a tie.
MAJORITY = RuleSet(
    name="標準（過半数・議長は可否同数のとき決する）",
    quorum=Threshold(1, 2, strict=True),
    quorum_counts_proxies=True,
    quorum_counts_email_voters=False,
    quorum_articles=("定足数",),
    decision=Threshold(1, 2, strict=True),
    decision_base=BASE_VOTES_CAST,
    decision_articles=("議決",),
    chair=CHAIR_CASTING,
    chair_articles=("議長",),
    proxies_allowed=True,
    proxies_only_notified=False,
    proxy_holder_must_attend=True,
    proxies_per_holder=None,
    proxy_articles=("表決の委任",),
    email_votes_allowed=False,
    written_allowed=False,
)

# A preparatory or consultative body (鎌倉市の準備会, 埼玉県の検討委員会, 庁内連携会議): no quorum,
# agreement of a majority of those present, no proxies, observers without a vote.
ADVISORY = RuleSet(
    name="協議の場（定足数なし・出席者の過半数で確認）",
    quorum=None,
    quorum_counts_proxies=False,
    quorum_counts_email_voters=False,
    quorum_articles=("設置要綱",),
    decision=Threshold(1, 2, strict=True),
    decision_base=BASE_VOTING_ATTENDEES,
    decision_articles=("設置要綱",),
    chair=CHAIR_VOTES,
    chair_articles=("設置要綱",),
    proxies_allowed=False,
    proxy_articles=("設置要綱",),
    email_votes_allowed=False,
    written_allowed=False,
)

TEMPLATES: dict[str, RuleSet] = {"gifu": GIFU, "majority": MAJORITY, "advisory": ADVISORY}


# ---------------------------------------------------------------------------
# Meeting input


@dataclass
class Proxy:
    giver: str
    holder: str
    items: tuple[str, ...]


@dataclass
class Meeting:
    members: tuple[str, ...]
    chair: str | None = None
    items: dict[str, bool] = field(default_factory=dict)  # code -> notified in advance
    attendees: tuple[str, ...] = ()
    proxies: tuple[Proxy, ...] = ()
    email_votes: dict[str, dict[str, str]] = field(default_factory=dict)
    votes: dict[str, Any] = field(default_factory=dict)
    written: dict[str, tuple[str, ...]] | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Meeting:
        """Parse the simulate JSON; raises RuleError naming the field that is malformed."""
        if not isinstance(data, dict):
            raise RuleError("会議のデータは JSON のオブジェクトにしてください。")

        def ids(value: Any, where: str) -> tuple[str, ...]:
            if value is None:
                return ()
            if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
                raise RuleError(f"{where} は ID の配列にしてください。")
            return tuple(str(v) for v in value)

        members = ids(data.get("members"), "members")
        if not members:
            raise RuleError("members（議決権のある構成員）が空です。")
        if len(set(members)) != len(members):
            raise RuleError("members に同じ ID が二度あります。")
        items: dict[str, bool] = {}
        for n, item in enumerate(data.get("items") or [], start=1):
            if not isinstance(item, dict) or not str(item.get("code", "")).strip():
                raise RuleError(f"items の {n} 件目に code がありません。")
            code = str(item["code"])
            if code in items:
                raise RuleError(f"議案 {code} が items に二度あります。")
            items[code] = bool(item.get("notified", False))
        proxies = []
        for n, proxy in enumerate(data.get("proxies") or [], start=1):
            if not isinstance(proxy, dict) or "from" not in proxy or "to" not in proxy:
                raise RuleError(f"proxies の {n} 件目に from / to がありません。")
            proxies.append(
                Proxy(
                    str(proxy["from"]),
                    str(proxy["to"]),
                    ids(proxy.get("items"), f"proxies の {n} 件目の items"),
                )
            )
        email = data.get("email_votes") or {}
        if not isinstance(email, dict):
            raise RuleError("email_votes は {ID: {議案: 賛否}} にしてください。")
        email_votes: dict[str, dict[str, str]] = {}
        for voter, choices in email.items():
            if not isinstance(choices, dict):
                raise RuleError(f"email_votes の {voter} は {{議案: 賛否}} にしてください。")
            email_votes[str(voter)] = {str(k): str(v) for k, v in choices.items()}
        votes = data.get("votes") or {}
        if not isinstance(votes, dict):
            raise RuleError("votes は {議案: {yes, no, abstain}} にしてください。")
        written = data.get("written_resolution")
        written_parsed = None
        if written is not None:
            if not isinstance(written, dict):
                raise RuleError("written_resolution は {approve, reject} にしてください。")
            written_parsed = {
                "approve": ids(written.get("approve"), "written_resolution.approve"),
                "reject": ids(written.get("reject"), "written_resolution.reject"),
            }
        chair = data.get("chair")
        return cls(
            members=members,
            chair=None if chair is None else str(chair),
            items=items,
            attendees=ids(data.get("attendees"), "attendees"),
            proxies=tuple(proxies),
            email_votes=email_votes,
            votes=votes,
            written=written_parsed,
        )


# ---------------------------------------------------------------------------
# Evaluation


@dataclass
class Verdict:
    quorum: dict[str, Any]
    items: dict[str, dict[str, Any]]
    deemed_resolution: dict[str, Any] | None
    refused: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "quorum": self.quorum,
            "items": self.items,
            "deemed_resolution": self.deemed_resolution,
            "refused": self.refused,
        }


class _Refusals:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def add(self, what: str, articles: tuple[str, ...]) -> None:
        self.rows.append({"what": what, "article": "、".join(articles) or "規約"})


def evaluate(rules: RuleSet, meeting: Meeting | dict[str, Any]) -> Verdict:
    """The verdict of one meeting under ``rules``; refused input is listed and never counted."""
    if isinstance(meeting, dict):
        meeting = Meeting.from_dict(meeting)
    refused = _Refusals()
    members = set(meeting.members)
    chair = meeting.chair
    if chair is not None and chair not in members:
        # A chair from outside the body (e.g. a secretariat officer) neither counts nor votes.
        chair_member = False
    else:
        chair_member = chair is not None

    # In person (or online: both are 出席).
    present: set[str] = set()
    for person in meeting.attendees:
        if person not in members:
            refused.add(f"{person} は構成員ではないため出席に数えません", rules.membership_articles)
        else:
            present.add(person)

    # E-mail votes (第13条4): members not present in person, known items, valid choices.
    email: dict[str, dict[str, str]] = {}
    for voter, choices in meeting.email_votes.items():
        if not rules.email_votes_allowed:
            refused.add(f"{voter} の電子メールによる表決は規約で認められていません", rules.email_articles)
            continue
        if voter not in members:
            refused.add(
                f"{voter} は構成員ではないため電子メールの表決を数えません", rules.membership_articles
            )
            continue
        if voter in present:
            refused.add(
                f"{voter} は出席して表決するため、電子メールの表決は数えません（二重の表決）",
                rules.email_articles,
            )
            continue
        kept: dict[str, str] = {}
        for code, choice in choices.items():
            if code not in meeting.items:
                refused.add(
                    f"{voter} の電子メールの表決: 議案 {code} はこの会議にありません", rules.email_articles
                )
            elif choice not in CHOICES:
                refused.add(
                    f"{voter} の電子メールの表決: 議案 {code} の「{choice}」は賛否ではありません",
                    rules.email_articles,
                )
            else:
                kept[code] = choice
        if kept:
            email[voter] = kept

    # Proxies (第13条3): a member not attending, to an attending member, for notified items.
    proxies: dict[str, dict[str, str]] = {}  # item -> giver -> holder
    proxy_givers: set[str] = set()
    held: dict[str, set[str]] = {}
    seen_givers: set[str] = set()
    for proxy in meeting.proxies:
        giver, holder = proxy.giver, proxy.holder
        if not rules.proxies_allowed:
            refused.add(f"{giver} から {holder} への委任は規約で認められていません", rules.proxy_articles)
            continue
        if giver not in members:
            refused.add(f"{giver} は構成員ではないため委任できません", rules.proxy_articles)
            continue
        if giver in seen_givers:
            refused.add(f"{giver} の二つ目の委任状は数えません", rules.proxy_articles)
            continue
        seen_givers.add(giver)
        if giver in present:
            refused.add(f"{giver} は出席しているため委任は数えません", rules.proxy_articles)
            continue
        if holder not in members:
            refused.add(f"{giver} の委任先 {holder} は構成員ではありません", rules.proxy_articles)
            continue
        if rules.proxy_holder_must_attend and holder not in present:
            refused.add(f"{giver} の委任先 {holder} は出席していません", rules.proxy_articles)
            continue
        if holder == giver:
            refused.add(f"{giver} は自分に委任できません", rules.proxy_articles)
            continue
        if rules.proxies_per_holder is not None and len(held.get(holder, set())) >= rules.proxies_per_holder:
            refused.add(
                f"{holder} が受けられる委任は {rules.proxies_per_holder} 件までのため、{giver} の委任は数えません",
                rules.proxy_articles,
            )
            continue
        valid_items = []
        wanted = proxy.items or tuple(
            code for code, notified in meeting.items.items() if notified or not rules.proxies_only_notified
        )
        for code in wanted:
            if code not in meeting.items:
                refused.add(f"{giver} の委任: 議案 {code} はこの会議にありません", rules.proxy_articles)
            elif rules.proxies_only_notified and not meeting.items[code]:
                refused.add(
                    f"{giver} の委任: 議案 {code} は事前に通知されていないため委任できません",
                    rules.proxy_articles,
                )
            elif code in email.get(giver, {}):
                refused.add(
                    f"{giver} は議案 {code} に電子メールで表決したため、委任は数えません（二重の表決）",
                    rules.proxy_articles,
                )
            else:
                valid_items.append(code)
        if valid_items:
            held.setdefault(holder, set()).add(giver)
            proxy_givers.add(giver)
            for code in valid_items:
                proxies.setdefault(code, {})[giver] = holder

    # Quorum (第12条): present in person, plus delegators, plus e-mail voters.
    counted = set(present)
    if rules.quorum_counts_proxies:
        counted |= proxy_givers
    if rules.email_voters_count_as_present and rules.quorum_counts_email_voters:
        counted |= set(email)
    total = len(members)
    if rules.quorum is None:
        quorum_required = 0
        quorum_met = True
    else:
        quorum_required = rules.quorum.required(total)
        quorum_met = rules.quorum.met(len(counted), total)
    quorum = {
        "met": quorum_met,
        "present": len(counted),
        "required": quorum_required,
        "missing": max(0, quorum_required - len(counted)),
        "in_person": len(present),
        "by_proxy": len(proxy_givers - present),
        "by_email": len(set(email) - present),
        "members": total,
        "articles": list(rules.quorum_articles),
    }

    items = {
        code: _decide(
            rules,
            meeting,
            code,
            present,
            proxies.get(code, {}),
            email,
            chair if chair_member else None,
            quorum_met,
            total,
            refused,
        )
        for code in meeting.items
    }
    for code in meeting.votes:
        if code not in meeting.items:
            refused.add(f"議案 {code} はこの会議にないため表決を数えません", rules.decision_articles)

    deemed = None
    if meeting.written is not None:
        deemed = _deemed(rules, members, meeting.written, refused)

    return Verdict(quorum=quorum, items=items, deemed_resolution=deemed, refused=refused.rows)


def _decide(
    rules: RuleSet,
    meeting: Meeting,
    code: str,
    present: set[str],
    proxied: dict[str, str],
    email: dict[str, dict[str, str]],
    chair: str | None,
    quorum_met: bool,
    total: int,
    refused: _Refusals,
) -> dict[str, Any]:
    articles = rules.decision_articles
    # Who can take part in the vote on this item.
    in_room = set(present)
    if chair is not None and rules.chair != CHAIR_VOTES:
        in_room.discard(chair)
    eligible = in_room | set(proxied) | {v for v, choices in email.items() if code in choices}
    tally = {YES: 0, NO: 0, ABSTAIN: 0}
    chair_choice: str | None = None
    raw = meeting.votes.get(code) or {}
    if not isinstance(raw, dict):
        raise RuleError(f"votes の議案 {code} は {{yes, no, abstain}} にしてください。")
    if raw and all(isinstance(raw.get(c, 0), int) and not isinstance(raw.get(c, 0), bool) for c in CHOICES):
        # Counted (not named) votes, e.g. a show of hands: checked against who may vote.
        room_voters = in_room | set(proxied)
        cast = sum(raw.get(c, 0) for c in CHOICES)
        if any(raw.get(c, 0) < 0 for c in CHOICES):
            refused.add(f"議案 {code}: 票数に負の数があります", articles)
        elif cast > len(room_voters):
            refused.add(
                f"議案 {code}: 会場の票数 {cast} が表決できる人数 {len(room_voters)} を超えるため数えません",
                articles,
            )
        else:
            for c in CHOICES:
                tally[c] += raw.get(c, 0)
    else:
        seen: dict[str, str] = {}
        for choice in CHOICES:
            voters = raw.get(choice) or []
            if not isinstance(voters, list):
                raise RuleError(f"votes の議案 {code} の {choice} は ID の配列か票数にしてください。")
            for voter in map(str, voters):
                if voter in seen:
                    refused.add(f"議案 {code}: {voter} の二つ目の表決は数えません（二重の表決）", articles)
                    if seen[voter] != "refused":
                        tally[seen[voter]] -= 1
                        seen[voter] = "refused"
                    continue
                if voter not in set(meeting.members):
                    refused.add(
                        f"議案 {code}: {voter} は構成員ではないため表決を数えません",
                        rules.membership_articles,
                    )
                    seen[voter] = "refused"
                    continue
                if chair is not None and voter == chair and rules.chair != CHAIR_VOTES:
                    if rules.chair == CHAIR_NO_VOTE:
                        refused.add(f"議案 {code}: 議長 {voter} は採決に加われません", rules.chair_articles)
                        seen[voter] = "refused"
                    else:
                        chair_choice = choice
                        seen[voter] = "chair"
                    continue
                if voter in email and code in email[voter]:
                    refused.add(
                        f"議案 {code}: {voter} は電子メールで表決済みのため会場の表決は数えません（二重の表決）",
                        articles,
                    )
                    seen[voter] = "refused"
                    continue
                if voter not in present and voter not in proxied:
                    refused.add(
                        f"議案 {code}: {voter} は出席しておらず有効な委任もないため表決を数えません", articles
                    )
                    seen[voter] = "refused"
                    continue
                tally[choice] += 1
                seen[voter] = choice
    for choices in email.values():
        if code in choices:
            tally[choices[code]] += 1

    base = {
        BASE_VOTING_ATTENDEES: len(eligible),
        BASE_VOTES_CAST: tally[YES] + tally[NO],
        BASE_VOTES_CAST_WITH_ABSTAIN: tally[YES] + tally[NO] + tally[ABSTAIN],
        BASE_ALL_MEMBERS: total,
    }[rules.decision_base]
    required = rules.decision.required(base)
    passed = base > 0 and rules.decision.met(tally[YES], base)
    casting = None
    if rules.chair == CHAIR_CASTING and chair_choice is not None:
        if tally[YES] == tally[NO] and tally[YES] > 0:
            casting = chair_choice
            if chair_choice in (YES, NO):
                passed = chair_choice == YES
        else:
            refused.add(
                f"議案 {code}: 可否同数ではないため議長 {chair} の表決は数えません", rules.chair_articles
            )
    result: dict[str, Any] = {
        "passed": bool(passed and quorum_met),
        "yes": tally[YES],
        "no": tally[NO],
        "abstain": tally[ABSTAIN],
        "voters": base,
        "eligible": len(eligible),
        "required": required,
        "missing": max(0, required - tally[YES]),
        "articles": list(articles),
    }
    if casting is not None:
        result["casting_vote"] = casting
    if not quorum_met:
        result["reason"] = "定足数に達していないため議決できません"
        result["articles"] = list(articles) + [a for a in rules.quorum_articles if a not in articles]
    return result


def _deemed(
    rules: RuleSet, members: set[str], written: dict[str, tuple[str, ...]], refused: _Refusals
) -> dict[str, Any] | None:
    articles = rules.written_articles
    if not rules.written_allowed:
        refused.add("書面又は電磁的記録による決議（みなし決議）は規約で認められていません", articles)
        return None
    approve: set[str] = set()
    reject: set[str] = set()
    both = set(written["approve"]) & set(written["reject"])
    for choice, target in (("approve", approve), ("reject", reject)):
        seen: set[str] = set()
        for person in written[choice]:
            if person not in members:
                refused.add(f"{person} は構成員ではないため書面の表決を数えません", articles)
            elif person in both:
                if choice == "approve":
                    refused.add(f"{person} は賛成と反対の両方を表明したため数えません", articles)
            elif person in seen:
                refused.add(f"{person} の二つ目の書面の表決は数えません", articles)
            else:
                seen.add(person)
                target.add(person)
    total = len(members)
    required = rules.written_threshold.required(total)
    return {
        "resolved": rules.written_threshold.met(len(approve), total),
        "approve": len(approve),
        "reject": len(reject),
        "required": required,
        "missing": max(0, required - len(approve)),
        "members": total,
        "articles": list(articles),
    }


def simulate(rules: RuleSet, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON verdict of ``governance_simulate`` and the staff simulate endpoint."""
    return evaluate(rules, Meeting.from_dict(data)).to_dict()
