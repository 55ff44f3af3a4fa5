"""Recognising suicidal and self-harm expressions by meaning, not by substrings.

A message is width-folded (ｼﾆﾀｲ → シニタイ), its colloquial endings are evened out
(死にてぇ, 死にたーい, しにたみ → 死にたい) and it is cut into sentences and morphemes by
SudachiPy (the process's one dictionary, ``tsunagari.lib.japanese``). Each morpheme's
*normalised form* carries the meaning whatever the writing or inflection: しに, 死ん, 死ね
and 死の are all 死ぬ, しまい is 仕舞う, じゃい is ちゃう, てえ is たい. The rules below are
patterns over that sequence of forms, so one rule covers every conjugation:

    死ぬ たい !無い|ない      死にたい, 死んでしまいたい, 死んじゃいたい, しにてえ, 死にたくなる
                              (but not 死にたくない)
    死ぬ@意志推量形           死のう, 死のうと思う
    死ぬ@仮定形 ば|た         死ねばいいのに, 死ねたらいいのに

Rule syntax, one pattern per rule: steps separated by spaces; a step is a set of normalised
forms joined by ``|``; ``@form`` requires a conjugation form (a prefix of Sudachi's, e.g.
意志推量形); between two steps only "glue" may stand (て, で, 仕舞う, ちゃう, てる, 居る:
死んでしまいたい) unless the step starts with ``…``, which allows up to six morphemes of
anything in the same sentence; a last ``!a|b`` says what may not follow the match; a leading
``^`` says the match must open its sentence (only adverbs, conjunctions, interjections,
fillers and symbols before it: もう楽になりたい, but not 腰が楽になりたい).

A message written all in katakana (シニタイ, キエタイ), which Sudachi takes for an unknown
noun, is read again in hiragana; letters spaced or decorated one by one (し に た い,
死・に・た・い, 死🥺に🥺た🥺い) are read again joined. Matches from every reading count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import jaconv
from sudachipy import SplitMode

from tsunagari.lib.japanese import normalise, tokenizer

SUICIDAL = "suicidal"  # 希死念慮: wishing to die or disappear, intent, plans
SELF_HARM = "self_harm"  # 自傷: cutting, overdose
PLATFORM = "platform"  # a word the platform's secretariat added

CATEGORY_LABELS = {
    SUICIDAL: "希死念慮",
    SELF_HARM: "自傷",
    PLATFORM: "事務局が追加した語",
}

# (category, pattern). Comments give examples of what each rule recognises.
RULES: tuple[tuple[str, str], ...] = (
    # 死にたい, 死んでしまいたい, 死んじゃいたい, しにてえ, 死にたくなる (not 死にたくない)
    (SUICIDAL, "死ぬ たい !無い|ない"),
    # 消えたい, 消えてしまいたい, 消えちゃいたい, きえてー, 消えたくなる
    (SUICIDAL, "消える たい !無い|ない"),
    # 消えてなくなりたい, 消えてなくなってしまいたい
    (SUICIDAL, "消える …ない 成る たい"),
    # 死のう, 死のうと思う, いっそ死のうか, 死んじゃおうかな, 死んでしまおう
    (SUICIDAL, "死ぬ@意志推量形"),
    (SUICIDAL, "死ぬ|消える ちゃう|仕舞う@意志推量形"),
    # 死にたすぎる, 消えたすぎる
    (SUICIDAL, "死ぬ|消える た 過ぎる"),
    # 死ねる薬, 楽に死ねる方法, どうやったら死ねるか
    (SUICIDAL, "死ねる|しねる …か|方法|薬|場所|所|かな|のか|なら|ように"),
    # 消えようと思う, 消えようかな
    (SUICIDAL, "消える@意志推量形 と|か|かな|かしら"),
    # 死ねばいいのに, 死ねたらいいのに, 死ねたら楽
    (SUICIDAL, "死ぬ@仮定形 ば|た"),
    # 死んだら楽になる, 死んでしまえば楽なのに, 死んだらみんな楽になる, 消えたら楽
    (SUICIDAL, "死ぬ|消える|飛び下りる …ば|なら …楽|良い|増し|幸せ"),
    (SUICIDAL, "死ぬ|消える|飛び下りる …た@仮定形 …楽|良い|増し|幸せ"),
    (SUICIDAL, "死ぬ た 方 が 良い|増し"),
    # 死ぬしかない, もう死ぬしか
    (SUICIDAL, "死ぬ しか"),
    # 死ぬことばかり考えている, 死ぬことを考えてしまう
    (SUICIDAL, "死ぬ|自殺|消える こと|の …考える|頭"),
    # 死ぬ方法, 死ぬ準備, 死ぬつもり, 死ぬ勇気もない, 死に場所
    (SUICIDAL, "死ぬ 方法|準備|場所|つもり|積もり|覚悟|予定|勇気|用意"),
    (SUICIDAL, "死に場所"),
    # 楽に死ねる方法, 楽に死にたい
    (SUICIDAL, "楽 だ|に 死ぬ|死ねる"),
    # 死なせてほしい, 死なせて
    (SUICIDAL, "死ぬ せる て"),
    # 殺してほしい, 誰か殺して下さい, 自分を殺したい
    (SUICIDAL, "殺す て 欲しい|くれる|下さい|もらう|貰う"),
    (SUICIDAL, "自分|私|僕|俺 を 殺す たい"),
    # 誰か私を殺して
    (SUICIDAL, "私|僕|俺|わたし|あたし|ぼく|おれ を 殺す て"),
    # いなくなりたい, いなくなればいいのに
    (SUICIDAL, "居る ない 成る たい|ば"),
    # 私がいなくなっても誰も気づかない, 僕なんかいなくなったら
    (SUICIDAL, "私|自分|僕|俺|わたし|あたし|ぼく|おれ が|は|なんか|なんて|も 居る ない 成る"),
    # 私さえいなければ, 僕さえいなければ
    (SUICIDAL, "私|自分|僕|俺|わたし|あたし|ぼく|おれ さえ 居る ない"),
    # 僕がいなくなった方がみんな幸せ
    (SUICIDAL, "居る ない 成る た 方"),
    # 私なんかいない方がいい, 僕がいなくなったほうがまし
    (SUICIDAL, "自分|私|僕|俺|わたし|あたし|ぼく|おれ|うち …居る ない …方 が 良い|増し"),
    # この世にいたくない
    (SUICIDAL, "此の世 …居る たい"),
    # 生きていたくない, 生きたくない
    (SUICIDAL, "生きる たい 無い|ない"),
    # 生きるのがつらい, 生きてるのがしんどい, 生きていくのに疲れた
    (SUICIDAL, "生きる …辛い|しんどい|苦しい|疲れる|嫌|面倒|面倒臭い|怠い|嫌だ"),
    # 生きる意味がない, 生きてる意味ない, 生きる意味がわからない, 生きる価値もない
    (SUICIDAL, "生きる …意味|価値|希望|甲斐 …無い|ない|分かる"),
    # 生きてても仕方ない, 生きていける気がしない
    (SUICIDAL, "生きる …仕方無い|しょうがない"),
    (SUICIDAL, "生きる …気 が 為る ない"),
    # 生きていたいと思えない
    (SUICIDAL, "生きる …たい と 思える|思う ない"),
    # 生きててごめんなさい
    (SUICIDAL, "生きる …御免|ごめん|すみません|済みません|申し訳無い"),
    # 生きるのをやめたい, 生きることを諦めた (not 諦めない)
    (SUICIDAL, "生きる …止める|やめる|辞める|諦める !ない|無い"),
    # 生まれてこなければよかった, 生まれてこなきゃよかった, 生まれなければよかった
    (SUICIDAL, "生まれる …ない|無い …良い"),
    # 生まれてきたくなかった
    (SUICIDAL, "生まれる …たい 無い|ない"),
    # もう楽になりたい, いっそ楽になりたい, 早く楽になりたい, (文頭の) 楽になりたい
    (SUICIDAL, "もう|いっそ|早い|全部|全て|永遠|ずっと …楽 だ 成る たい"),
    (SUICIDAL, "^楽 だ 成る たい@終止形 !から|ので|為"),
    # もう終わりにしたい, 人生を終わりにしたい, 全部終わらせたい, 命を絶ちたい
    (SUICIDAL, "^終わり に 為る たい@終止形 !から|ので|為"),
    (SUICIDAL, "人生|命|全部|全て|自分 …終わり に 為る たい"),
    (SUICIDAL, "何 も 彼 も 終わり に 為る たい"),  # 何もかも終わりにしたい
    (SUICIDAL, "人生|命|自分 …終わる せる"),
    (SUICIDAL, "命 を 断つ|絶つ|捨てる|終える"),
    # 目が覚めなければいいのに, 明日が来なければいい
    (SUICIDAL, "目|明日|朝 …覚める|来る ない …良い"),
    # 自分を消したい, 自分の存在を消してしまいたい
    (SUICIDAL, "自分|存在 …消す たい"),
    # 自殺 (not 自殺予防/対策/防止), 自死, 希死念慮, 遺書, 首吊り, 練炭
    (SUICIDAL, "自殺 !予防|対策|防止"),
    (SUICIDAL, "じ さつ 為る"),  # じさつ(したい), which Sudachi does not read as one word
    (SUICIDAL, "自死 !予防|対策|防止|遺族"),
    (SUICIDAL, "希 死 念慮"),
    (SUICIDAL, "遺書"),
    (SUICIDAL, "首吊り"),
    (SUICIDAL, "首 を 吊る|括る|つる|釣る"),
    (SUICIDAL, "練炭"),
    # 飛び降りたい, 飛び降りようと思う, 電車に飛び込みたい
    (SUICIDAL, "飛び下りる たい|つもり|場所|方法|準備"),
    (SUICIDAL, "飛び下りる@意志推量形"),
    (SUICIDAL, "飛び降り 自殺"),
    (SUICIDAL, "電車|線路|ホーム|踏切 …飛び込む"),
    # リストカット, リスカ, アムカ, 手首を切った, 腕を切ってしまう, 自分を傷つける
    (SELF_HARM, "リスト カット"),
    (SELF_HARM, "リストカット"),
    (SELF_HARM, "リスカ"),
    (SELF_HARM, "アムカ"),
    (SELF_HARM, "自傷"),
    (SELF_HARM, "手首 …切る|傷|傷跡"),
    (SELF_HARM, "手首|腕|足|太もも|体|自分 …切る|傷付ける|傷つける …仕舞う|ちゃう|たい"),
    # また切っちゃった、腕
    (SELF_HARM, "切る …手首|腕|太もも"),
    (SELF_HARM, "自分|体 …傷付ける|傷める|殴る"),
    # OD, オーバードーズ, 薬を大量に飲んだ, 睡眠薬を全部飲んだ (not 飲み忘れた), 薬をためこんでる
    (SELF_HARM, "od"),
    (SELF_HARM, "オーバードーズ"),
    (SELF_HARM, "オーバー ドーズ"),
    (
        SELF_HARM,
        "薬|睡眠薬|眠剤|市販薬|風邪薬|頭痛薬|精神薬|安定剤|睡眠導入剤|錠剤 …大量|全部|纏める|一気|"
        "ありったけ|沢山|何十|何百 …飲む !忘れる",
    ),
    (SELF_HARM, "薬|睡眠薬|眠剤|市販薬|風邪薬|頭痛薬|精神薬|安定剤|睡眠導入剤|錠剤 …溜め込む|溜める|貯める"),
)

# Forms that may stand between two steps of a rule (死んでしまいたい: 死ぬ て 仕舞う たい).
GLUE = frozenset({"て", "で", "仕舞う", "ちゃう", "じゃう", "てる", "でる", "居る", "なくなる"})
# Parts of speech that may open a sentence before a ``^`` rule (もう, いっそ, ああ, えっと).
OPENERS = frozenset({"副詞", "接続詞", "感動詞", "フィラー", "補助記号", "空白"})
SKIPPED = frozenset({"補助記号", "空白"})
WIDE_GAP = 6

_SENTENCE = re.compile(r"[^。．.！!？?\n]+")
# Colloquial endings evened out before Sudachi reads them.
_COLLOQUIAL = (
    (re.compile(r"て[ぇェ]+"), "てえ"),  # 死にてぇ → 死にてえ (Sudachi: てえ = たい)
    (re.compile(r"た[ぁあーぃっ〜~]+い"), "たい"),  # 死にたーい, 死にたぁい
    (re.compile(r"(死に|しに|消え|きえ)たみ"), r"\1たい"),  # 死にたみ (net slang)
    (re.compile(r"タヒ(?=[にねんのぬなた])"), "死"),  # ﾀﾋにたい (死 drawn as タヒ)
)
# The same words over and over (しにたいしにたいしにたい): read once more with each repeat apart.
_REPEATED = re.compile(r"(.{3,8}?)\1+")
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa]{2,}")
# Three or more letters each standing alone between blanks, marks or emoji: し に た い.
_SPACED = re.compile(r"(?:^|[\W_])\w(?:[\W_]+\w){2,}(?:[\W_]|$)")
_NOT_LETTER = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Step:
    forms: frozenset[str]
    conjugation: str = ""
    wide: bool = False  # may follow the previous step with anything between (same sentence)


@dataclass(frozen=True)
class Rule:
    category: str
    pattern: str
    steps: tuple[Step, ...]
    not_followed_by: frozenset[str] = frozenset()
    opens_sentence: bool = False


def parse_rule(category: str, pattern: str) -> Rule:
    text = pattern.strip()
    opens = text.startswith("^")
    parts = text.lstrip("^").split()
    negated: frozenset[str] = frozenset()
    if parts and parts[-1].startswith("!"):
        negated = frozenset(parts.pop()[1:].split("|"))
    steps = []
    for part in parts:
        wide = part.startswith("…")
        part = part.lstrip("…")
        forms, _, conjugation = part.partition("@")
        steps.append(Step(frozenset(forms.split("|")), conjugation, wide))
    if not steps:
        raise ValueError(f"empty crisis rule: {pattern!r}")
    return Rule(category, pattern, tuple(steps), negated, opens)


COMPILED_RULES: tuple[Rule, ...] = tuple(parse_rule(category, pattern) for category, pattern in RULES)


def _by_first_form(rules: Iterable[Rule]) -> dict[str, tuple[Rule, ...]]:
    index: dict[str, list[Rule]] = {}
    for rule in rules:
        for form in rule.steps[0].forms:
            index.setdefault(form, []).append(rule)
    return {form: tuple(found) for form, found in index.items()}


# Rules by the normalised form their first step needs: a morpheme is checked against the few
# rules it can open, not all of them.
RULES_BY_FIRST_FORM = _by_first_form(COMPILED_RULES)


@dataclass(frozen=True)
class Morpheme:
    surface: str
    form: str  # Sudachi's normalised form, lower-cased
    pos: str
    conjugation: str
    start: int = 0  # offsets in the reading
    end: int = 0


@dataclass(frozen=True)
class Match:
    category: str
    text: str  # the words as written (after width folding)
    rule: str


def fold(text: str) -> str:
    """Width, case and kana folded, blanks and marks dropped: how platform words are compared."""
    return _NOT_LETTER.sub("", jaconv.kata2hira(normalise(text)))


def readings(text: str) -> list[tuple[str, bool]]:
    """The message as read by the rules: folded, colloquial endings evened out, plus the
    all-hiragana and the joined-letters readings when the message needs them. Each comes with
    whether it is as written (True) or a hiragana rereading, whose word cuts are Sudachi's
    guesses over kana (ブロンド read as ぶろんど is cut ぶろん + ど)."""
    base = normalise(text)
    for pattern, replacement in _COLLOQUIAL:
        base = pattern.sub(replacement, base)
    found = {base: True}
    if _REPEATED.search(base):
        found.setdefault(
            _REPEATED.sub(lambda m: "。".join([m.group(1)] * (len(m.group(0)) // len(m.group(1)))), base),
            True,
        )
    if _KATAKANA_RUN.search(base):
        found.setdefault(jaconv.kata2hira(base), False)
    if _SPACED.search(base):
        joined = _NOT_LETTER.sub("", base)
        found.setdefault(joined, True)
        found.setdefault(jaconv.kata2hira(joined), False)
    return list(found.items())


def sentences(text: str) -> list[list[Morpheme]]:
    """Morphemes of each sentence (offsets into ``text``); Sudachi limits its input, so a
    sentence is read up to 2,000 characters."""
    tok = tokenizer()
    result = []
    for found in _SENTENCE.finditer(text):
        sentence = found.group()
        if not sentence.strip():
            continue
        offset = found.start()
        result.append(
            [
                Morpheme(
                    m.surface(),
                    m.normalized_form().lower(),
                    m.part_of_speech()[0],
                    m.part_of_speech()[5],
                    offset + m.begin(),
                    offset + m.end(),
                )
                for m in tok.tokenize(sentence[:2000], SplitMode.C)
            ]
        )
    return result


def _step_matches(step: Step, morpheme: Morpheme) -> bool:
    return (
        morpheme.form in step.forms or morpheme.surface in step.forms
    ) and morpheme.conjugation.startswith(step.conjugation)


def _match_from(rule: Rule, words: list[Morpheme], start: int) -> int | None:
    """Index after the match of ``rule`` starting at ``words[start]``, or None."""
    if not _step_matches(rule.steps[0], words[start]):
        return None
    return _match_rest(rule, words, 1, start + 1)


def _match_rest(rule: Rule, words: list[Morpheme], step_index: int, position: int) -> int | None:
    if step_index == len(rule.steps):
        if rule.not_followed_by:
            following = next((w for w in words[position:] if w.pos not in SKIPPED), None)
            if following is not None and following.form in rule.not_followed_by:
                return None
        return position
    step = rule.steps[step_index]
    limit = WIDE_GAP + 1 if step.wide else 5
    for i in range(position, min(len(words), position + limit)):
        if _step_matches(step, words[i]):
            end = _match_rest(rule, words, step_index + 1, i + 1)
            if end is not None:
                return end
        if not step.wide and words[i].form not in GLUE and words[i].pos not in SKIPPED:
            return None
    return None


def match_rules(words: list[Morpheme]) -> list[Match]:
    """The first match of each rule in one sentence."""
    matches = []
    done: set[str] = set()
    for start, word in enumerate(words):
        candidates = RULES_BY_FIRST_FORM.get(word.form, ())
        if word.surface != word.form:
            candidates += RULES_BY_FIRST_FORM.get(word.surface, ())
        for rule in candidates:
            if rule.pattern in done:
                continue
            if rule.opens_sentence and any(w.pos not in OPENERS for w in words[:start]):
                continue
            end = _match_from(rule, words, start)
            if end is not None:
                done.add(rule.pattern)
                # Shown with the endings that complete the phrase (生まれてこなければよかった).
                while end < len(words) and end - start < 12 and words[end].pos == "助動詞":
                    end += 1
                matches.append(
                    Match(rule.category, "".join(w.surface for w in words[start:end]), rule.pattern)
                )
    return matches


@dataclass(frozen=True)
class PlatformWord:
    """A word a secretariat added, as compared: folded text and its normalised forms."""

    word: str
    folded: str
    forms: tuple[str, ...]


def platform_word(word: str) -> PlatformWord:
    forms = tuple(
        m.normalized_form().lower()
        for m in tokenizer().tokenize(normalise(word), SplitMode.C)
        if m.part_of_speech()[0] not in SKIPPED
    )
    return PlatformWord(word, fold(word), forms)


def _contains_run(forms: list[str], starts: dict[str, list[int]], run: tuple[str, ...]) -> bool:
    if not run or run[0] not in starts:
        return False
    n = len(run)
    return any(tuple(forms[i : i + n]) == run for i in starts[run[0]])


@dataclass(frozen=True)
class _Written:
    """A reading as written, folded for platform words, with where Sudachi cut its words."""

    compact: str  # hiragana, letters and digits only
    index: list[int]  # position in the reading of each character of ``compact``
    boundaries: set[int]
    folded: str  # fallback when folding changed the length (offsets unusable)


def _written(reading: str, boundaries: set[int]) -> _Written:
    hiragana = jaconv.kata2hira(reading)
    if len(hiragana) != len(reading):
        return _Written("", [], set(), fold(reading))
    index = [i for i, char in enumerate(hiragana) if not _NOT_LETTER.fullmatch(char)]
    return _Written("".join(hiragana[i] for i in index), index, boundaries, "")


def _written_at_boundaries(written: _Written, folded_word: str) -> bool:
    """Whether ``folded_word`` is in the reading (folded: kana, blanks and marks) starting and
    ending where Sudachi cut words: ブロン in ﾌﾞﾛﾝを, ぶ ろ ん, but not in ブロンドの髪."""
    if written.folded:
        return folded_word in written.folded
    at = written.compact.find(folded_word)
    while at >= 0:
        start, end = written.index[at], written.index[at + len(folded_word) - 1] + 1
        if start in written.boundaries and end in written.boundaries:
            return True
        at = written.compact.find(folded_word, at + 1)
    return False


def recognise_text(text: str, extra: Iterable[PlatformWord] = ()) -> list[Match]:
    """Every crisis expression in ``text``: the built-in rules, then the platform's words
    (a word matches written in any width or kana, spaced, or inflected: 飛び込む finds
    飛び込みたい; always as whole words: ブロン is not found in ブロンド)."""
    matches: list[Match] = []
    seen: set[str] = set()
    all_forms: list[str] = []
    extra = list(extra)
    cuts: list[_Written] = []
    for reading, as_written in readings(text):
        boundaries: set[int] = set()
        for words in sentences(reading):
            all_forms.extend(w.form for w in words if w.pos not in SKIPPED)
            if extra:
                boundaries.update(w.start for w in words)
                boundaries.update(w.end for w in words)
            for match in match_rules(words):
                if match.rule not in seen:
                    seen.add(match.rule)
                    matches.append(match)
        if as_written and extra:
            cuts.append(_written(reading, boundaries))
    # A phrase inside another one found by a second rule is shown once (楽になりたい in
    # もう楽になりたい).
    matches = [m for m in matches if not any(m.text in o.text and m.text != o.text for o in matches)]
    if extra:
        starts: dict[str, list[int]] = {}
        for i, form in enumerate(all_forms):
            starts.setdefault(form, []).append(i)
        for word in extra:
            if (word.forms and word.forms[0] in starts and _contains_run(all_forms, starts, word.forms)) or (
                word.folded and any(_written_at_boundaries(written, word.folded) for written in cuts)
            ):
                matches.append(Match(PLATFORM, word.word, f"platform:{word.folded}"))
    return matches
