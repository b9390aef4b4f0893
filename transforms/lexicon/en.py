"""English word lists, one per job; `transforms.lexicon.words(name, lang="en")` returns one.

Each list is written once, sorted, without duplicates (a test checks).
"""

WORDS: dict[str, str] = {
    # Verbs that introduce speech (lemmas): the cue of a quote ("read" for a sign's or headline's words).
    "speech_verbs": """
    accuse acknowledge add admit advise affirm agree allege announce answer apologise apologize
    argue ask assert assure bark beam beg bellow blast boast brag brand call caution chant charge
    chide cite claim comment complain concede conclude concur confess confide confirm contend
    continue counter criticise criticize cry declare demand deny describe disclose dub echo
    elaborate emphasise emphasize estimate exclaim explain gush hint implore indicate inform insist
    interject interrupt joke label lament lecture maintain marvel mention mock murmur muse mutter
    note notify object observe opine plead pledge point post praise predict proclaim promise
    pronounce protest question quip quote rage rant read reason reassure rebut recall recollect
    recommend recount reflect reiterate relate remark remind repeat reply report respond retort
    reveal say scoff scream shout sigh sing slam snap sneer speculate stammer state stress suggest
    summarise summarize swear taunt tease tell testify thank theorise theorize threaten tout tweet
    underline underscore urge venture vow warn whisper wonder write yell
    """,
    # Verbs of communication and cognition that report a clause ("believes that …", "asked whether
    # …"), beyond the speech verbs: the cues of reported speech (lemmas).
    "reporting_verbs": """
    alert assume believe decide deem doubt expect fear feel figure forecast guarantee guess hear hope
    imagine imply insinuate instruct learn presume propose realise realize reckon signal
    stipulate submit suppose surmise suspect think understand worry
    """,
    # Nouns of saying and thinking whose that-clause is a statement ("his claim that …").
    "reporting_nouns": """
    accusation admission allegation announcement argument assertion assurance belief charge claim
    complaint conclusion contention declaration denial fear hope insistence notion prediction
    promise proposal recommendation remark report statement suggestion testimony threat warning
    """,
    # Verbs that speak of a topic, given by a preposition ("talked about", "warned against").
    "topic_verbs": """
    argue ask call comment complain speak talk tell testify warn write
    """,
    # Prepositions whose object is the topic a speech verb speaks of ("warned against C").
    "topic_prepositions": """
    about against for of on
    """,
    # Verbs of intent and stance whose infinitive complement states a position ("vowed to veto").
    "intent_verbs": """
    agree decline hope intend plan pledge promise refuse threaten urge vow want
    """,
    # Verbs of stating whose noun-phrase object is what was said ("denied the allegations").
    "statement_object_verbs": """
    acknowledge admit announce claim concede confirm declare deny disclose dismiss predict promise
    propose reiterate reject repeat reveal
    """,
    # Verbs that name rather than speak ("a group called 'X'"): cues only with an explicit subject.
    "naming_verbs": """
    brand call describe dub label
    """,
    # Titles and articles left off a name the quote stage spells out.
    "name_titles": """
    a an dame dr gen gov lady lord miss mr mrs ms prof rep sen sir the
    """,
    # Pronouns that never point to one named person.
    "group_pronouns": """
    i it me that them they this us we which who you
    """,
    # Nouns for people in a role: "the lawmaker said" means someone the article has introduced.
    "quote_role_nouns": """
    activist actor actress administrator admiral adviser advisor aide ambassador analyst anchor
    attorney author bishop businessman businesswoman campaigner candidate captain ceo chair chairman
    chairperson chairwoman challenger chancellor chief cleric coach colonel columnist commander
    commentator commissioner congressman congresswoman consultant councillor councilman councilwoman
    daughter delegate deputy detective developer diplomat director doctor economist editor
    entrepreneur envoy executive expert father filmmaker founder general governor head historian
    host husband imam incumbent inspector investor judge king lawmaker lawyer leader legislator
    lieutenant manager marshal mayor minister mother mp negotiator nominee novelist nurse officer
    official owner physician player pollster pope premier president priest prince princess producer
    professor prosecutor queen rapper reporter representative researcher resident scientist
    secretary senator sergeant sheriff singer son speaker spokesman spokesperson spokeswoman
    strategist student superintendent surgeon survivor teacher veteran whip widow wife witness
    writer
    """,
    # Words that end in a full stop without ending a sentence.
    "abbreviations": """
    adm aug capt co col corp dec dr feb ft gen gov hon inc jan jr lt ltd mr mrs ms mt no nov oct
    prof rep rev sen sept sgt sr st vs
    """,
    # Short words titles keep lowercase ("Face the Nation").
    "title_function_words": """
    and but for from into nor onto over the upon with yet
    """,
    # Words that describe a role or title; one shared word is role evidence that two mentions are one person.
    "resolution_role_words": """
    adviser advisor ambassador analyst army bank cabinet captain ceo chair chairman chairwoman chief
    cleric coach colonel commander committee correspondent council court deputy director editor
    envoy executive founder general governor head imam judge king lawmaker leader manager mayor
    member minister ministry mp navy officer official parliament parliamentary party police premier
    president prince professor prosecutor queen researcher secretary senator sheikh spokesman
    spokesperson spokeswoman
    """,
    # Words too common to count as shared content between quotes or documents.
    "resolution_stopwords": """
    a about above after again against all also am an and any are as at be been before being below
    between both but by can could did do does doing don down dr during each few for from further had
    has have having he her here him his how i if in into is it its just let me more most mr mrs ms
    my no nor not now of off on once one only or other ought our out over own s said same say says
    she should so some such t tell than that the their them then there these they this those three
    through to told too two under up very was we were what when where which who whom why will with
    would you your
    """,
    # Titles and honorifics that precede a personal name and are not part of it.
    # Words wire copy puts right before a person's name that the tagger takes into the name
    # ("Champion Jane Doe", "Striker John Doe"); demonyms and role words are handled besides.
    "person_descriptors": """
    batsman bowler captain center centre challenger champion champions coach compatriot countryman
    countrywoman defender favorite favourite forward fullback goalkeeper holder keeper manager
    midfielder newcomer opponent pitcher quarterback rival rookie runner-up seed skipper striker
    teenager titleholder veteran winger winner
    """,
    "honorifics": """
    adm ambassador ayatollah capt chancellor cmdr col colonel commander dame dr fr gen general gov
    governor imam judge king lady lord lt maj mayor minister miss mr mrs ms mx premier president
    prince princess prof queen rep rev sayyid sen senator sgt sheikh sir
    """,
    # Arabic articles and filiation words: spelled, hyphenated and capitalised inconsistently.
    "name_particles": """
    ad al an ar as ash at at-t az ben bin bint el ibn
    """,
    # Lowercase words inside European surnames ("Joost van der Westhuizen", "Joaquin del Olmo").
    "surname_particles": """
    da das de del della den der di do dos du la le ten ter van von
    """,
    # Words that make a capitalised phrase an organisation or place rather than a personal name.
    "organisation_words": """
    administration agency airport army assembly association authority avenue bank board bridge
    building bureau campaign center centre channel church city club college commission committee
    company congress corp council county court daily department force forces foundation fund group
    guard hall hospital house inc institute island journal kingdom lake league mall ministry navy
    network news office park parliament party police post press radio republic river school senate
    service square state states station street television times tower tv union university weekly
    """,
    # Function words (jusText's idea): prose has many of them, menus and lists have few.
    "prose_stopwords": """
    a about above according across after afterwards again against all almost alone along already
    also although always am among amongst an and another any anyone anything anyway are around as at
    be became because become becomes becoming been before behind being below beside besides between
    beyond both but by came can can't cannot come could did didn't do does doesn't doing don't done
    down due during each either else enough even ever every everyone everything except few for
    former from further get gets go goes got had has have having he he's hence her here hers herself
    him himself his how however i i'm i've if in indeed into is isn't it it's its itself just latter
    least less like made make makes many may me meanwhile might more moreover most mostly much must
    my myself neither never nevertheless no nobody none nor not nothing now of off often on once one
    only onto or other others otherwise our ours ourselves out over own per perhaps quite rather
    really said same say says several she she's should since so some something sometimes somewhere
    still such take than that the their theirs them themselves then there therefore these they
    they're they've this those though through throughout thus to together told too toward towards
    under unless until up upon us used using various very via was wasn't we we're we've well went
    were what whatever when whenever where whereas whether which while who who's whole whom whose
    why will with within without won't would yet you you're you've your yours yourself yourselves
    """,
    # Share-button labels ("Facebook Twitter WhatsApp Email").
    "share_bar_words": """
    comment comments copy e-mail email facebook flipboard instagram line link linkedin mail
    messenger pin pint pinterest print reddit rss save share sms telegram tiktok tumblr tweet
    twitter viber vk whatsapp youtube
    """,
    # Function words that make up a tenth of any English prose: English is recognised by them before language ID.
    "language_markers": """
    and been from has have of that the their this was were which with would
    """,
}

#: Everyday names of countries that the country data (countryinfo) does not spell, by ISO alpha-3 code.
COUNTRY_ALIASES: dict[str, str] = {
    "USA": "america|u.s.|u.s.a.|the states",
    "GBR": "britain|u.k.",
    "MMR": "burma",
    "ARE": "u.a.e.|emirates",
    "COD": "dr congo|democratic republic of congo",
}

#: Pronouns of one person, with the gender they give.
PERSONAL_PRONOUNS: dict[str, str] = {'he': 'm', 'him': 'm', 'she': 'f', 'her': 'f'}
#: Honorifics that give a person's gender.
HONORIFIC_GENDER: dict[str, str] = {'mr': 'm', 'mrs': 'f', 'ms': 'f', 'miss': 'f', 'sir': 'm', 'dame': 'f', 'lord': 'm', 'lady': 'f'}
#: Common given names whose romanisations differ by more than the general transliteration rules cover:
#: one spelling -> its variants.
GIVEN_NAME_VARIANTS: dict[str, str] = {
    "muhamad": "mohammed mohammad muhammad mohamed muhammed mohamad mohamud mohammud muhamed mehmet",
    "ahmad": "ahmed ahmet",
    "husain": "hussein husayn hussain husein hossein hussien",
    "hasan": "hassan hasan",
    "rida": "reza rida ridha redha riza rezza",
    "yusuf": "yusuf yousef youssef yusef yousif yusif",
    "abdulah": "abdullah abdallah abdulla abdalla",
    "abdelaziz": "abdulaziz abdelaziz abdul-aziz",
    "usama": "osama usama ousama",
    "umar": "omar umar",
    "uthman": "othman osman uthman usman",
    "kasim": "qassem qasim qassim kassem kasim qasem",
    "sulaiman": "suleiman sulaiman sulayman soliman",
    "mustafa": "mustafa mostafa moustafa mustapha",
    "jafar": "jafar jaafar ja'far",
    "aleksandr": "alexander aleksandr alexandr oleksandr",
    "sergei": "sergei sergey serhiy sergej",
    "yuri": "yuri yury yuriy iurii",
    "dmitri": "dmitri dmitry dmitriy",
    "vladimir": "vladimir wladimir volodymyr",
}
