"""What people write in the demo: concerns, reasons, rationales, partner answers, decisions,
oversight, transfer summaries and visit notes (the templates the generator fills in).

Every name and place here is invented (the names are in ``frontdoor.demo.names``).
"""

from __future__ import annotations

CONCERNS: dict[str, tuple[str, ...]] = {
    "police": (
        "Police attended a domestic abuse incident at the home overnight; {name} was present "
        "and heard shouting and furniture being thrown. DASH risk assessed as {dash}.",
        "{name} was reported missing from home yesterday evening and found by officers at "
        "02:00 in the town centre with older males not known to the family.",
        "Officers attended a report of a verbal argument between the parents; {name} was in "
        "the house. Alcohol was a factor. No injuries seen.",
        "Police executed a drugs warrant at the address; {name} lives there. Cannabis and "
        "cash found; the home conditions were poor with little food in the house.",
        "{name} was arrested for possession of a bladed article; intelligence suggests "
        "links to a county lines network.",
        "Neighbours called police about a child crying for a long time; officers found "
        "{name} left home alone for several hours.",
        "Mother reported that her ex-partner breached a non-molestation order by coming to "
        "the home while {name} was there.",
        "{name} disclosed to an officer that a family member hits them with a belt.",
    ),
    "school": (
        "{name} came to school with a bruise to the left cheek and gave inconsistent "
        "accounts of how it happened.",
        "{name}'s attendance has fallen to {attendance}% this term; the family are not "
        "engaging with the attendance officer.",
        "{name} told the class teacher that there is no food at home and has been taking "
        "food from other children's lunch boxes.",
        "{name} disclosed that mum's boyfriend shouts and pushes mum, and that {name} hides "
        "in the bedroom when it happens.",
        "Staff have noticed {name} is often unkempt and tired, wearing the same clothes all "
        "week; low-level concerns logged over several months.",
        "{name} has self-harmed (cuts to forearms) and says they do not feel safe at home.",
        "{name} was seen getting into a car with an unknown adult after school on several "
        "occasions and has new expensive items.",
    ),
    "health": (
        "{name} attended the emergency department with a fracture that does not fit the "
        "explanation given; there was a delay in seeking treatment.",
        "Missed health visitor contacts and immunisations; mother appears low in mood and "
        "the home was cluttered and cold at the last visit.",
        "Mother disclosed ongoing heroin use at an antenatal appointment; concerns for the "
        "unborn baby after birth.",
        "{name} attended A&E intoxicated with alcohol; second attendance in three months.",
        "GP concerned about parental mental health: father has stopped medication and "
        "expressed paranoid thoughts involving {name}.",
        "{name} has lost weight, has dental decay needing treatment and has missed four "
        "hospital appointments.",
    ),
    "individual": (
        "Caller worried that {name} is left alone in the evenings while the parent goes out "
        "drinking.",
        "Caller reports hearing frequent arguments and a child screaming at the address.",
        "{name} rang the contact centre saying they are scared to go home after an argument "
        "with their stepfather.",
        "Grandparent concerned that {name} is being looked after by a new partner with a "
        "history of violence.",
        "Neighbour concerned that the house is dirty, the children look hungry and there are "
        "visitors at all hours.",
    ),
    "la": (
        "Adult social care report that the father's mental health has deteriorated; he is "
        "the main carer for {name}.",
        "Early help lead professional reports the family have disengaged from the plan and "
        "concerns about neglect are increasing.",
        "Family have moved into the area from a neighbouring authority where {name} was "
        "subject to a child in need plan.",
        "Youth worker reports {name} is associating with older peers and was found with a "
        "large amount of cash.",
    ),
    "housing": (
        "Housing officer visited for a tenancy check and found the property in very poor "
        "condition with dog faeces on the floor; {name} lives there.",
        "Family served with an eviction notice for rent arrears; mother says she has nowhere "
        "to go with {name}.",
    ),
    "legal": (
        "Probation report that a man assessed as posing a risk to children has moved into "
        "the household where {name} lives.",
        "Cafcass safeguarding letter raises concerns about domestic abuse in private law "
        "proceedings concerning {name}.",
    ),
    "other": (
        "Nursery concerned about {name}'s speech delay, frequent absences and the parent "
        "arriving to collect under the influence.",
        "Refuge support worker reports {name} and mother have fled domestic abuse and the "
        "perpetrator is trying to find them.",
        "Voluntary sector worker concerned about overcrowding and {name} sharing a room with "
        "unrelated adults.",
    ),
    "anonymous": (
        "Anonymous caller reports that {name} is often seen outside late at night and the "
        "parents are drinking heavily.",
        "Anonymous caller says the children at the address are smacked and shouted at daily.",
    ),
}
UNBORN_CONCERN = (
    "Pre-birth concern: mother is {weeks} weeks pregnant, has had previous children removed "
    "from her care and is living with a partner known for domestic abuse."
)

CONSENT_REASONS = {
    "refused": (
        "Mother refused consent and said she did not want social care involved.",
        "Father declined consent; he disputes the concerns.",
    ),
    "not_sought": (
        "Seeking consent could place the child at increased risk of significant harm.",
        "Police notification: consent not sought at the scene.",
        "Parents could not be contacted before the contact was made.",
        "Seeking consent could prejudice a police investigation.",
    ),
}
OVERRIDE_REASONS = (
    "Information shared without consent to safeguard the child (WT2023; DPA 2018 Sch 8 para 4).",
    "Risk of significant harm outweighs the parents' wish not to share information.",
    "Sharing is necessary to decide whether the child is in need or at risk; consent not yet "
    "obtained.",
)

SCREENING_RATIONALES = {
    "advice_nfa": (
        "Concern addressed by the referrer's own agency; advice given, no further action.",
        "Single low-level incident, protective parent, no previous concerns: signposted to "
        "universal services.",
        "Information only: no role for children's social care at this time.",
        "Advice given to the referrer about the threshold document and the DSL's role.",
    ),
    "early_help": (
        "Needs sit at the early help level: family agree to an early help assessment.",
        "Parenting support needed; passed to the Early Help Hub with the family's consent.",
        "Emerging needs around school attendance and routines: early help offered.",
    ),
    "mash_enquiry": (
        "Threshold for a MASH enquiry met: need partner information to understand risk.",
        "Pattern of repeat low-level concerns; multi-agency checks needed.",
        "Possible domestic abuse impact on the child; partner information required.",
        "Unclear whether the child is at risk of significant harm: MASH enquiry.",
    ),
    "strategy_discussion": (
        "Reasonable cause to suspect significant harm: immediate strategy discussion with "
        "police and health.",
        "Disclosure of physical abuse with visible injury: strategy discussion today.",
    ),
    "allocated_worker": (
        "Case open to the assessment service: information passed to the allocated social worker.",
        "Allocated social worker informed the same day; no new referral while the case is open.",
    ),
}
RATING_REASONS = {
    ("AMBER", "RED"): (
        "Police checks show a recent high-risk DASH and the perpetrator has returned home.",
        "New disclosure from the child during the enquiry: risk escalated.",
    ),
    ("GREEN", "AMBER"): (
        "Police hold several domestic abuse incidents in the last 12 months not known at "
        "screening.",
        "Health information shows missed appointments and an unexplained injury.",
    ),
    ("AMBER", "GREEN"): (
        "Partner information is reassuring: protective parent engaging with support.",
        "School confirm good attendance and no concerns; risk lower than first thought.",
    ),
    ("RED", "AMBER"): (
        "Child seen safe and well by police; immediate risk managed by a safety plan.",
        "Alleged perpetrator remanded in custody: immediate risk reduced.",
    ),
    ("GREEN", "BLUE"): (
        "Information confirms the concern has been resolved; no MASH response needed.",
    ),
}
RATING_MOVES = {
    "RED": (("AMBER", 1.0),),
    "AMBER": (("RED", 0.45), ("GREEN", 0.55)),
    "GREEN": (("AMBER", 0.85), ("BLUE", 0.15)),
}

PARTNER_RESPONSES = {
    "police": (
        "Three domestic abuse incidents at the address in the last 12 months (two standard, "
        "one medium DASH). No current bail conditions.",
        "No police information held on the child or the adults named.",
        "Father has previous convictions for assault (2019). No live investigations.",
        "Child reported missing twice this year; both return home interviews completed.",
        "Intelligence links the child to older peers involved in drug supply.",
    ),
    "health": (
        "Registered with Parkway Medical Practice; immunisations up to date. No A&E attendances.",
        "Two missed health visitor contacts; mother under the perinatal mental health team.",
        "A&E attendance in March for a head injury; explanation consistent at the time.",
        "No health information of concern held.",
    ),
    "education": (
        "Attends {school}; attendance {attendance}% this term. DSL has logged low-level "
        "concerns about hygiene.",
        "Attends {school}; attendance good, no safeguarding concerns logged.",
        "On a part-time timetable after two fixed-term suspensions; SEN support in place.",
        "Not on roll at any school in the area; a children missing education referral has "
        "been made.",
    ),
    "probation": (
        "Stepfather is subject to a community order; RoSH assessed as medium to children.",
        "No adults in the household are known to probation.",
    ),
    "housing": (
        "Secure council tenancy; rent arrears of about £1,200 and a notice seeking possession.",
        "Family in temporary accommodation since January; overcrowded (one bedroom).",
        "Not known to housing.",
    ),
    "youth_offending": (
        "Open to youth justice on a referral order; allocated worker reports exploitation "
        "concerns.",
        "Not known to the youth justice service.",
    ),
    "early_help": (
        "Early help assessment completed last year; family closed after disengaging.",
        "Lead professional in place (school); family engaging with parenting support.",
        "Not known to early help.",
    ),
    "domestic_abuse": (
        "Mother is supported by an IDVA; case heard at MARAC two months ago.",
        "Not known to the service.",
    ),
}
NOT_SHARED_REASONS = (
    "Unable to identify the child or family on our systems from the details given.",
    "Information relates to a live criminal investigation; sharing now could prejudice it.",
    "Information held is subject to legal professional privilege.",
    "Record held by another area's service; request redirected to them.",
    "Adult health information: the adult's consent is needed and the threshold to share "
    "without it is not met on the information given.",
)
LIVED_EXPERIENCE = (
    "{first} says home is 'shouty' at night and they put headphones on to sleep. They like "
    "school because of breakfast club.",
    "{first} told the school nurse they worry about mum when she is sad and they look after "
    "their younger sibling after school.",
    "{first} is a baby: the health visitor describes a warm, attentive mother but a cold, "
    "damp flat and a father who is rarely at home.",
    "{first} says they stay with nan at weekends and feel safe there; weekdays are 'boring "
    "and there's no food in'.",
    "{first} would like 'the arguing to stop' and wants to keep seeing dad.",
    "{first} said they are scared when mum's boyfriend drinks and they hide in their room.",
    "{first} enjoys football and youth club; they say older boys give them money to carry things.",
)
DECISION_RATIONALES = {
    "nfa": (
        "Partner information does not indicate the child is in need; no further action.",
        "Concern not substantiated by checks; family have support from universal services.",
    ),
    "advice": (
        "Advice given to the referrer and the family signposted to community support.",
        "No role for children's social care; parents given advice and information.",
    ),
    "early_help": (
        "Needs can be met through early help: family have agreed to a lead professional.",
        "Step down to the Early Help Hub for a family support worker.",
    ),
    "s17": (
        "Child likely to be in need: child and family assessment under section 17.",
        "Cumulative concerns about neglect need a full assessment.",
        "Parental mental health and domestic abuse impact on the child: s17 assessment.",
    ),
    "s47": (
        "Reasonable cause to suspect significant harm: strategy discussion to consider s47.",
        "Injury and disclosure: strategy discussion with police and health today.",
    ),
    "other_service": (
        "Referred to CAMHS and the youth service, which are better placed to help.",
        "Passed to the child's home authority, where the family now live.",
    ),
}
REFERRER_FEEDBACK = {
    "nfa": "Thank you for your contact. After checks the MASH has decided on no further action.",
    "advice": "Thank you. The MASH has given advice and signposted the family to support.",
    "early_help": "Thank you. The family will be offered early help by the Early Help Hub.",
    "s17": "Thank you. A social worker will complete a child and family assessment.",
    "s47": "Thank you. A strategy discussion is being held; a social worker will be in touch.",
    "other_service": "Thank you. The MASH has referred the family to another service.",
}
SEND_BACK_REASONS = (
    "The police information about the step-father was not weighed: reconsider the risk.",
    "No view from the school is recorded: ask education, then decide again.",
    "Three contacts in six months: look at the pattern, not this incident alone.",
    "The rationale does not say what the child has told us: speak to the referrer again.",
    "Health have not answered yet: decide once their information is in.",
)

OVERSIGHT = (
    "Agree with the decision and rationale; partner checks complete and proportionate.",
    "Agreed. Ensure the referrer is told the outcome today.",
    "Agree. The child's voice is recorded; history of repeat contacts considered.",
    "Agreed: cumulative risk considered and threshold correctly applied.",
    "Agree with the outcome; the family's consent and lawful basis are recorded.",
)
TRANSFER_SUMMARIES = (
    "{first} ({age}): MASH checks complete. {concern_short} Partner information attached; "
    "rated {rating}.",
    "Transfer for {route}: {concern_short} Police, health and education checks complete.",
)
RETURN_REASONS = (
    "Return to MASH: health checks missing from the summary; please complete before transfer.",
    "Child lives in a neighbouring authority: please transfer to the correct area.",
    "Summary does not record the parents' views or consent; please update.",
    "Route unclear: please confirm whether a strategy discussion is needed.",
)
VISIT_NOTES = (
    "Home visit: child seen, bedroom seen, adequate food in the home.",
    "Child seen at school with the DSL present, then at home with mother.",
    "Joint visit with police; child spoken to alone and appeared comfortable.",
    "No answer at first attempt; seen later the same day with both parents.",
    "Child not seen: family not at home; letter left and follow-up visit booked.",
)
