"""Word lists for counts: counted nouns that are people or events."""

from __future__ import annotations

from spacy.tokens import Token

# Counted nouns that are people: a count of them is a fact (OTHER) even without a kind word.
PEOPLE = {"people", "person", "civilian", "soldier", "troop", "child", "woman", "man",
          "protester", "worker", "resident", "migrant", "militant", "fighter", "officer",
          "student", "member", "staff", "patient", "journalist", "prisoner", "casualty",
          "victim", "combatant", "settler", "voter", "passenger", "baby", "adult", "guard",
          "employee", "staffer", "aide", "gunman", "hero", "volunteer", "veteran", "educator",
          "activist", "minor", "citizen", "national", "guest", "cop", "sailor", "cadet",
          "firefighter", "immigrant", "official", "senator", "candidate", "brother", "family",
          "inmate", "suspect", "teenager", "girl", "boy", "individual", "agent", "american",
          "foreigner", "servicewoman", "serviceman", "militiaman", "grader", "figure", "others",
          "other", "refugee", "hostage", "detainee", "evacuee", "teacher", "leader",
          "demonstrator", "rioter", "looter", "dissident", "defendant", "nurse", "doctor",
          "pilot", "crew", "marine", "trooper", "police", "spy", "rebel", "insurgent",
          "terrorist", "jihadist", "extremist", "attacker", "assailant", "shooter", "occupier",
          "mayor", "governor", "lawmaker", "legislator", "republican", "democrat", "delegate",
          "supporter", "follower", "household", "farmer", "miner", "tourist", "visitor",
          "pilgrim", "worshiper", "worshipper", "priest", "cleric", "player", "athlete", "fan",
          "customer", "driver", "motorist", "pedestrian", "survivor", "witness", "juror",
          "judge", "lawyer", "attorney", "prosecutor", "diplomat", "ambassador", "minister",
          "reporter", "photographer", "scientist", "researcher", "expert", "executive",
          "director", "owner", "donor", "contractor", "recruit", "paramedic", "medic",
          "rescuer", "responder", "laborer", "personnel", "youth", "kid", "toddler", "infant",
          "teen", "senior", "retiree", "applicant", "seeker", "deportee", "convict", "felon",
          "offender", "criminal", "occupant", "tenant", "nominee", "protestor", "attendee",
          "participant", "mourner", "pupil", "colleague", "coworker", "spouse", "husband",
          "wife", "widow", "orphan", "sibling", "son", "daughter", "parent", "father",
          "mother", "sister", "relative", "friend", "neighbor", "fugitive", "captive",
          "perpetrator", "bomber", "hijacker", "kidnapper", "commando", "sniper", "seal",
          "operative", "informant", "defector", "congregant", "spectator", "viewer",
          "reader", "listener", "subscriber", "enrollee", "enrollment", "bystander",
          "cyclist", "motorcyclist", "commuter", "traveler", "shopper", "diner", "coach",
          "adviser", "advisor", "envoy", "editor", "blogger", "critic", "opponent", "loyalist",
          "marcher", "parolee", "plaintiff", "accomplice", "expatriate", "homeowner", "rancher",
          "clerk", "bodyguard", "deputy", "sheriff", "ranger", "physician", "surgeon",
          "engineer", "technician", "newborn", "servicemember", "reservist", "commander",
          "colonel", "captain", "sergeant", "lieutenant", "manager", "ceo", "founder",
          "investor", "billionaire", "millionaire", "elector", "contender", "challenger",
          "incumbent", "monk", "bishop", "imam", "rabbi", "missionary", "caregiver", "graduate",
          "alumnus", "alumni", "intern", "trainee", "recipient", "beneficiary", "client",
          "user", "separatist", "islamist", "smuggler", "trafficker", "peacekeeper", "observer",
          "hiker", "climber", "swimmer", "asylee"}
# Heads of compounds written as one word: "schoolgirls", "policemen", "co-workers".
PEOPLE_HEADS = ("man", "men", "woman", "women", "girl", "boy", "child", "children", "worker",
                "fighter", "member", "officer", "leader", "-grader")
# Counted nouns that are events: "150 airstrikes", "32 mass shootings".
EVENTS = {"attack", "strike", "airstrike", "shooting", "assault", "bombing", "protest",
          "incident", "raid", "execution", "violation", "killing", "murder", "kill", "death",
          "clash", "arrest", "abduction", "kidnapping", "fatality", "casualty", "injury",
          "homicide", "demonstration", "rally", "march", "riot", "stabbing", "explosion",
          "blast", "ambush", "massacre", "hijacking", "beheading", "lynching", "bombardment",
          "suicide", "overdose"}

# More people, by role: relatives, trades, politics, law, crime, faith, sport, media.
PEOPLE |= {
    "president", "guy", "gal", "competitor", "rival", "liberal", "conservative", "frontrunner",
    "ally", "strategist", "rider", "dreamer", "roommate", "contributor", "noncriminal", "boss",
    "secretary", "eyewitness", "bundler", "holdout", "killer", "aspirant", "confidant", "caller",
    "interpreter", "announcer", "inspector", "commissioner", "finisher", "justice", "alien",
    "illegal", "local", "native", "inhabitant", "villager", "newcomer", "arrival", "crosser",
    "emigrant", "expat", "traveller", "seaman", "herder", "nomad", "peasant", "slave", "servant",
    "maid", "nanny", "babysitter", "caretaker", "dentist", "pharmacist", "therapist",
    "psychiatrist", "psychologist", "midwife", "marshal", "detective", "investigator",
    "constable", "warden", "jailer", "magistrate", "petitioner", "litigant", "claimant",
    "appellant", "complainant", "accuser", "accused", "probationer", "escapee", "internee",
    "captor", "assassin", "murderer", "rapist", "thief", "robber", "burglar", "abuser",
    "predator", "pedophile", "molester", "hacker", "whistleblower", "leaker", "conspirator",
    "co-conspirator", "mastermind", "gangster", "mobster", "thug", "hooligan", "vandal",
    "sympathizer", "adherent", "devotee", "believer", "parishioner", "churchgoer", "pastor",
    "preacher", "nun", "deacon", "chaplain", "airman", "gunner", "paratrooper", "mercenary",
    "guerrilla", "jihadi", "conscript", "draftee", "enlistee", "adolescent", "juvenile",
    "pensioner", "undergraduate", "alumna", "scholar", "professor", "lecturer", "administrator",
    "superintendent", "representative", "councilor", "bureaucrat", "appointee", "lobbyist",
    "campaigner", "canvasser", "pollster", "analyst", "economist", "consultant", "advocate",
    "organizer", "king", "queen", "prince", "princess", "monarch", "dictator", "autocrat",
    "parliamentarian", "renter", "borrower", "taxpayer", "consumer", "buyer", "seller", "vendor",
    "shopkeeper", "merchant", "entrepreneur", "freelancer", "policyholder", "runner", "skier",
    "gymnast", "wrestler", "boxer", "referee", "umpire", "teammate", "correspondent",
    "columnist", "commentator", "pundit", "producer", "filmmaker", "actor", "actress", "singer",
    "musician", "artist", "writer", "author", "poet", "novelist", "celebrity", "comedian",
    "classmate", "schoolmate", "compatriot", "grandparent", "grandmother", "grandfather",
    "granddaughter", "grandson", "nephew", "niece", "cousin", "uncle", "aunt", "twin",
    "fiance", "fiancee", "girlfriend", "boyfriend", "stepson", "stepdaughter", "stepfather",
    "stepmother", "descendant", "ancestor", "heir", "homeless", "loser", "earner", "filer",
    "jobholder"}
# Faiths and peoples the tagger often leaves out of NORP ("Uighur Muslims" as a PERSON).
PEOPLE |= {"muslim", "christian", "jew", "hindu", "sikh", "buddhist", "catholic", "protestant",
           "evangelical", "mormon", "shiite", "sunni", "uighur", "uyghur", "kurd", "yazidi",
           "rohingya", "arab", "latino", "latina", "hispanic", "blacks", "whites"}


def is_people(tok: Token) -> bool:
    """A noun counting people or events ("Palestinians", "airstrikes", "schoolgirls")."""
    lemma = tok.lemma_.lower()
    return (lemma in PEOPLE or lemma in EVENTS or tok.lower_ in PEOPLE
            or tok.tag_ == "NNPS" and tok.lower_[:-1] in PEOPLE  # "Muslims" tagged a name
            or tok.ent_type_ == "NORP" or (tok.pos_ == "NOUN" and lemma.endswith(PEOPLE_HEADS)))
