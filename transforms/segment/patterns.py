"""Block-typing pattern rules: conventions of news sites in general, never the text of one site.

Captions, credit lines, reader appeals, UI and share bars, machine-translation banners, prices,
dates, cookie notices, ledes and reader-comment markers; `transforms.segment.blocks` applies them.
"""
from __future__ import annotations

import re

from transforms.lexicon import words

_I = re.IGNORECASE
AGENCY = (r"(?:AFP|AP|Reuters|Getty(?: Images)?|EPA(?:-EFE)?|dpa|Xinhua|Anadolu(?: Agency)?|"
           r"TASS|Sputnik|Shutterstock|Bloomberg|Alamy|PA(?: Images| Media)?|ANSA|Yonhap|IRNA|"
           r"UPI|NurPhoto|SOPA Images|Pool|Handout|Wikimedia Commons|Wikipedia)")

CAPTION_RES = [
    re.compile(r"^\(?(?:FILES?|FILE PHOTO|PHOTO|IMAGE|PICTURE)\)?\s*[:\-–—]?\s", 0),  # (FILES) In…
    re.compile(r"^(?:in )?th(?:is|e) (?:file )?(?:photo|picture|image|handout|undated photo|"
               r"photograph|video grab|screen ?grab)\b", _I),
    re.compile(r"^(?:file|handout|undated|archive|illustrative|stock) (?:photo|picture|image)\b", _I),
    re.compile(r"^(?:photo|image|picture|pictured|photograph|caption|above|top|below|main image)\s*:", _I),
    re.compile(r"\b(?:image|photo|picture)(?: source| credit)?\s*:\s*[^\s].{0,80}$", _I),
    re.compile(r"\s[/|]\s*" + AGENCY + r"\b[^/|]{0,60}$"),                 # … / AFP / NAME
    re.compile(r"\((?:photo|image|picture|credit)s?\b[^()]{0,80}\)\s*\.?$", _I),
    re.compile(r"\((?:" + AGENCY + r")(?: photo| file)?[^()]{0,30}\)\s*\.?$"),
]
# Only for short, verbless lines: a sentence may well end in "file." or "via Reuters."
CAPTION_SHORT_RES = [
    re.compile(r"\b(?:via|for) " + AGENCY + r"\s*\.?$"),
    re.compile(r"\b(?:file|file photo|file image|stock image|archive photo)\s*\.?\)?\s*$", _I),
]
# The credit parts of a caption; what is left is the description (if any).
CREDIT_PART_RE = re.compile(
    r"^\(?(?:FILES?|FILE PHOTO|photo|image|picture|pictured|photograph|caption)\)?\s*[:\-–—]\s*|"
    r"\b(?:image|photo|picture)s?(?: source| credit)?\s*:.*$|\s[/|]\s*\S.*$|\([^()]*\)\s*\.?$", _I)
CREDIT_RES = [
    re.compile(r"\bcontributed (?:reporting|to (?:this|the) (?:report|article|story))", _I),
    re.compile(r"^\(?\s*(?:additional |with |further )?(?:reporting|writing|editing|research)"
               r"(?: by|:)\s", _I),
    re.compile(r"^\(?\s*(?:edited|written|compiled|translated|produced|fact[- ]checked) by\s", _I),
    re.compile(r"^(?:photo|photos|photograph|photography|images?|video|graphics?)\s*"
               r"(?:by|courtesy(?: of)?|credit)\b", _I),
    re.compile(r"^(?:[Bb]y|BY|[Ww]ords by|[Ss]tory by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
               r"(?:\s*(?:,|and|&|\|)\s*.*)?$"),
    re.compile(r"^(?:source|sources|via)\s*:\s*\S", _I),
]
# Appeals for money or sign-ups. A match after the body opens a boilerplate run to the end.
APPEAL_RE = re.compile(
    r"\b(?:support (?:us|our (?:work|journalism|reporting|newsroom|mission)|independent (?:journalism|"
    r"media|news))|donate (?:now|today|to us|to (?:our|the))|make a (?:contribution|donation|gift)|"
    r"become a (?:member|patron|supporter|paying subscriber)|consider (?:helping|supporting|"
    r"donating|subscribing) (?:us|our)|small favou?r to ask|help us (?:keep|continue|stay)|"
    r"(?:do|did) you (?:like|enjoy|value) this (?:content|article|story|post)|"
    r"if you (?:like|value|enjoy|appreciate) (?:this (?:article|story|content)|our (?:work|"
    r"journalism|reporting))|your support (?:is|helps|makes|keeps|matters|means)|"
    r"not ready to (?:support|donate|subscribe)|remind me (?:later|tomorrow|next time)|(?:payment|pay(?:ing)?) methods|"
    r"buy me a coffee|(?:reader|readers)[- ](?:funded|supported)|support (?:us )?monthly|"
    r"(?:chip in|contribute) (?:today|now|monthly))", _I)
# Appeals address the reader; news prose that mentions donations usually does not.
READER_RE = re.compile(r"\b(?:you|your|we|us|our)\b", _I)


def is_appeal(f, t: str) -> bool:
    """A reader appeal (donate, subscribe, support us); `f` holds the block's word counts."""
    if f.words <= 12:
        return bool(APPEAL_RE.search(t) or APPEAL_SHORT_RE.match(t))
    return f.words <= 120 and bool(APPEAL_RE.search(t)) and bool(READER_RE.search(t))


# A bare "Support The Example Times!"-style button line.
APPEAL_SHORT_RE = re.compile(r"^(?:Support|Donate to|Subscribe to|Help) (?:The |Our )?[A-Z][\w.'’-]*"
                              r"(?: [A-Z][\w.'’-]*){0,4}\s*!?$")
# UI / furniture text; only applied to short blocks (prose may mention "search" or "share").
UI_RE = re.compile(
    r"^(?:click|tap) (?:here )?to (?:see|view|enlarge|read|watch|expand|open|play|zoom|continue)|"
    r"^(?:read|see|show|load|view) (?:more|all|less|full|the full|next|previous|comments|gallery)\b|"
    r"^(?:continue|keep) reading\b|^(?:share|tweet|email|e-mail|print|pin|save|copy link|"
    r"whatsapp|facebook|twitter|linkedin|reddit|telegram|flipboard|messenger|x)"
    r"(?: this| the)?(?: article| story| page| post| link)?(?: on [\w ]+| via [\w ]+)?\s*[:!.]?$|"
    r"^follow us\b|^(?:sign|log) ?(?:in|up|out)\b|^subscribe\b|^(?:newsletter|newsletters)\b|"
    r"\bnewsletter\b|\bcookies?\b|^accept\b|^(?:privacy|cookie) (?:policy|settings|notice)|"
    r"^terms (?:of|and) |all rights reserved|^copyright\b|^©|^\(c\) |"
    r"^advertisement\b|^advertising\b|^sponsored\b|^ad$|^skip (?:to|ad)\b|^back to top\b|"
    r"^(?:related|recommended|popular|trending|latest|more)(?: \w+)?(?: articles?| stories| posts| "
    r"news| reads| videos| content| on \w+| from \w+| in \w+)?\s*:?$|"
    r"^most (?:popular|read|viewed|shared|commented|recent)\b|^you (?:may|might) (?:also )?(?:like|"
    r"be interested|enjoy)|^(?:toggle|open|close|hide|show)(?: \w+)?(?: menu| navigation| search)?$|"
    r"^(?:menu|search|home|next|previous|prev|close|loading|more|cancel|submit|ok|go|top)\b\W*$|"
    r"^(?:watch|listen)(?: now| live)?\s*:?$|^play (?:video|audio)|enable javascript|"
    r"\bupdated\s*:|^published\s*:|^posted (?:on|in|by)\b|^(?:filed|posted) under\b|^tags?\s*:|"
    r"^topics?\s*:|^categor(?:y|ies)\s*:|^\d+\s*(?:min(?:ute)?s?|mins?) read$|"
    r"^(?:listen to|download) (?:this|the) (?:article|story|podcast)|^(?:image|photo|video) \d+ of \d+",
    _I)
# A row of share-button labels ("Facebook Twitter WhatsApp Email").
SHARE_BAR_WORDS = words("share_bar_words")
TRANSLATION_RE = re.compile(
    r"(?:powered by|provided by|using) (?:an? )?(?:automated|automatic|machine|google|neural)"
    r"[\w -]{0,20}translat|machine[- ]translat|automatic(?:ally)? translat|"
    r"translated (?:automatically|by (?:a )?machine|by google)|(?:this|the) (?:article|page|text) "
    r"(?:has been|was) (?:automatically |machine[- ])?translated", _I)
PRICE_RE = re.compile(r"^[\W_]*(?:[$€£¥₽]\s*[\d.,\s]+|[\d.,\s]+\s*[$€£¥₽]|[\d.,\s]*(?:usd|eur|gbp))[\W_]*$",
                       _I)
DATE_RE = re.compile(
    r"^(?:(?:updated|published|posted|last updated)\s*:?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)"
    r"\w*,?\s+)?(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+"
    r"\d{1,2}?,?\s*\d{2,4}\b.{0,30}$|^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b.{0,20}$", _I)
COOKIE_RE = re.compile(r"\b(?:uses?|using|accept|store) (?:of )?(?:the )?cookies\b|\bcookie (?:policy|"
                        r"settings|preferences|consent)\b|\bcookies\b.{0,200}\b(?:website|browser|"
                        r"consent|opt[- ]out)\b", _I)
# A news lede, not a standfirst: it attributes in the past tense or opens with a dateline.
LEDE_RE = re.compile(r"\b(?:said|told|according to|announced|reported|confirmed)\b|"
                      r"^[A-Z][A-Z .'-]{2,40}(?:,[\w .'-]{2,30})?\s*(?:\([\w .]+\)\s*)?[-–—]")
# Comment-section markers.
COMMENT_HEADER_RE = re.compile(
    r"^(?:\d[\d,.]*k?\s+)?(?:comments?|responses?|replies|reader comments|discussion)"
    r"(?:\s*\(\d+\))?\s*:?$|^(?:leave|post|add|write|submit) (?:a |your )?(?:comment|reply|response)|"
    r"^join the (?:discussion|conversation|debate)|^(?:show|view|load|hide|see) (?:all )?"
    r"(?:\d+ )?comments?\b|^comments? (?:are|is) (?:closed|disabled)|^what do you think\?$|"
    r"^(?:\d+ )?thoughts? on\b", _I)
COMMENT_EVIDENCE_RE = re.compile(
    r"^(?:reply|report|flag|upvote|downvote|\d+\s*(?:likes?|replies|points?)|"
    r"(?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago|"
    r".{0,80}\b(?:says|wrote|said|commented)\s*:|.{0,60}\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\b.{0,20})\W*$",
    _I)
TIMESTAMP_RE = re.compile(r"\bago$|^\d+\s*[a-z]{1,4}\b|\d:\d\d", _I)   # "7H ago", "3 min", "10:42"
HANDLE_RE = re.compile(r"^@?[\w.'’-]{2,25}(?: [\w.'’-]{1,25}){0,2}$")

# A dateline on its own line: a place in capitals (or any place followed by a date), optionally a
# region, an agency in brackets and a date: "LONDON 1996-08-30", "WASHINGTON (Reuters) -",
# "Paris, France, March 3, 2021 -".
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (rf"(?:\d{{4}}-\d\d-\d\d|(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
         rf"|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?))")
_NOT_PLACE = r"(?!(?i:(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|updated|published|posted)[a-z]*\b))"
_PLACE_CAPS = rf"{_NOT_PLACE}[A-Z][A-Z.'’-]+(?:[ -][A-Z][A-Z.'’-]+){{0,3}}"
_PLACE = rf"{_NOT_PLACE}[A-Z][\w.'’-]+(?:[ -][A-Z][\w.'’-]+){{0,3}}"
_REGION = r"(?:\s*,\s*[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2})?"
_AGENCY_TAG = r"(?:\(\s*[A-Z][\w.&'’ -]{1,30}\)\s*)"
DATELINE_RE = re.compile(
    rf"^(?:{_PLACE_CAPS}{_REGION}\s*(?:{_AGENCY_TAG}|,?\s*(?i:{_DATE}))"
    rf"|{_PLACE}{_REGION}\s*,\s+(?i:{_DATE})\s*{_AGENCY_TAG}?)\s*[-–—:]*\s*$"
)
# A byline: "By Jane Doe", "BY JANE DOE AND JOHN ROE, Associated Press", "By Jane Doe | Reuters".
_NAME = r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
BYLINE_RE = re.compile(rf"^by\s+(?-i:{_NAME})(?:\s*(?:,|and|&)\s*(?-i:{_NAME}))*(?:\s*[,|/–—-]\s*[\w.&'’ ]{{2,50}})?$", _I)
