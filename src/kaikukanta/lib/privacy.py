"""Which models hold personal data, declared in one place.

`tests/test_privacy.py` fails when a Kaikukanta model is in neither table, so a new model
cannot slip in without someone deciding what it holds.
"""

# model label -> what personal data it holds and why
PERSONAL_DATA: dict[str, str] = {
    "accounts.user": "staff account: work email, name, language (needed to sign in)",
    "network.organisation": "the organisation's contact person: name, work email and phone",
    "cards.card": "pseudonymous holder facts: birth year, postal code, municipality, number "
                  "of children and optional gender, life situation and language; a random "
                  "statistics key (cell key method, never shown); no identity",
    "audit.auditentry": "who (staff) did what; never holder fields",
    "usage.lookuplog": "which staff account (or API client label) looked up which card "
                       "number and when; never holder fields",
    "usage.useimport": "a large uses file handed to the background worker: the uploading "
                       "staff account, the file's bytes (card numbers, dates, offers, "
                       "children counts) only until it is processed, then the wrong rows' "
                       "numbers and reasons, shown to the uploader only; never holder fields",
    "accounts.invitation": "invited staff member's name, work email and language",
    "oma.holderaccount": "a holder's OmaKaiku sign-in: the card it belongs to, a password "
                         "hash and the interface language; no identity",
    "oma.holderemail": "the holder's own email address, only if they chose to give one, "
                       "whether they want expiry reminders and the expiry date of the last "
                       "one; kept apart from the card, never shown to staff, in "
                       "statistics, exports or the API, deleted with the account",
    "oma.passkey": "a holder's passkey (WebAuthn public key and counter)",
    "network.areacheckliststep": "a short free-text note about the area's work; the "
                                      "form tells not to write about people",
    "public.feedback": "a public message (free text) and an optional reply address, which "
                       "is erased when the item is handled; never used in statistics or "
                       "open data",
    "public.areapage": "the area's public contact and feedback addresses and phone (a "
                       "shared address is asked for; may be a coordinator's work address)",
    "public.unitlisting": "a unit's street address and accessibility notes as its "
                          "organisation gives them (a public place, no person)",
    "surveys.answer": "a staff member's answer to a local survey: a scale value, a choice "
                      "or a short text about their work (the form tells not to write about "
                      "clients or other people); not linked to the person",
    "surveys.responder": "which staff account has answered which survey (only so that "
                         "nobody answers twice); kept apart from the answers, never shown, "
                         "deleted when the survey closes",
    "wellbeing.wellbeinganswer": "a card's answer to the wellbeing meter (WHO-5 items and "
                                 "three participation choices, no free text) at one time "
                                 "point, with the card's area and municipality and the "
                                 "month; never shown per card (pages, exports, API), only "
                                 "as protected figures (wellbeing/figures.py)",
}

# model label -> why it holds none
NO_PERSONAL_DATA: dict[str, str] = {
    "geo.wellbeingcounty": "reference data",
    "geo.municipality": "reference data",
    "geo.postalcode": "reference data",
    "network.area": "organisational",
    "network.unit": "organisational",
    "network.operatingmodelversion": "published text",
    "network.commitment": "organisation's acknowledgement; the acting staff user only",
    "network.sellerlink": "organisational",
    "accounts.membership": "role of a staff account",
    "cards.cardbatch": "card stock",
    "cards.cardevent": "card lifecycle dates",
    "usage.offer": "venue offering",
    "usage.use": "card number, date, place and ticket counts",
    "api.apikey": "an organisation's key (hashed); the staff user who made or revoked it",
    "api.idempotentresponse": "a stored API answer: card numbers, dates, codes; no holder data",
    "usage.offerdatecount": "ticket counts per offer and date",
    "network.distributorreview": "organisational; the reviewing staff user only",
    "stats.useareaday": "counts of uses per day and area; no card or holder",
    "stats.usecrossday": "counts of uses per day and pair of areas; no card or holder",
    "stats.usesiteday": "counts of uses per day, site and offer; no card or holder",
    "stats.usesitemonth": "counts of uses per month, site and offer; no card or holder",
    "stats.useunitday": "counts of uses per day and distributor unit; no card or holder",
    "stats.cardyearuse": "a card's id and its number of uses in a year; no holder fields",
    "stats.cardsusedyear": "counts of cards used per year and area, and the most uses of "
                           "one card there",
    "stats.cardmonthuse": "a card's id, its number of uses in a month and the days of them, "
                          "with the card's unit and municipality code as the card has them; "
                          "no other holder field",
    "stats.usedmontharea": "counts of cards used per month and area (and their key sums)",
    "stats.usedmonthunit": "counts of cards used per month and unit (and their key sums)",
    "stats.unitdaycards": "the ids of up to five cards of a distributor unit used per day and "
                          "category; no holder field",
    "stats.usemunicipalityday": "counts of uses per day, card's municipality and category; "
                                "no card or holder",
    "stats.usemunicipalityplacemonth": "counts of uses per month, card's municipality, site "
                                       "and offer; no card or holder",
    "stats.usemunicipalityplaceday": "counts of uses per day, card's municipality, site and "
                                     "offer; no card or holder (shown only through the "
                                     "places table's small-cell rule)",
    "stats.municipalityplaceholders": "counts of cards used per year, card's municipality, "
                                      "site and offer; no card or holder",
    "stats.usedmonthmunicipality": "counts of cards used per month and card's municipality "
                                   "(and their key sums)",
    "ops.dailyrun": "which daily job started on which day",
    "cards.batchprint": "a card batch's print PDF (card numbers) and the staff user who "
                        "asked for it",
    "oma.activationcode": "a one-time code's keyed hash, its card and times; the staff "
                          "user who made it",
    "stats.retiredholders": "counts of retired cards by unit, municipality, dates and holder "
                            "facts; no card, number or use",
    "stats.cardspan": "counts of cards starting, ending and inactivated per day, month or "
                      "year and area, unit or municipality (and their key sums); no card or "
                      "holder fact",
    "stats.holderspan": "counts of personal cards starting and ending per day, month or year "
                        "and area, by one holder fact at a time; no card, number or use",
    "stats.holderplacespan": "counts of personal cards starting and ending per day, month or "
                             "year, unit and municipality, by birth year, children, gender "
                             "and life situation; no card, number or use",
    "stats.costshare": "a year's cost-sharing rate; the acting staff user only",
    "stats.publication": "which period of a statistics dataset was published, with "
                         "national counts",
    "stats.publishedholders": "frozen counts of cards by unit, municipality and holder facts "
                              "as age bands; no card, number, birth year or use",
    "public.offerlisting": "whether a venue shows an offer publicly",
    "surveys.survey": "an area's survey: title, introduction, audience, dates; the staff "
                      "user who made it only",
    "surveys.question": "a survey's question and its options",
    "surveys.response": "that a survey was answered on a day; no person",
    "wellbeing.moodreceipt": "that a use has a mood-meter answer (not which answer)",
    "wellbeing.moodanswer": "a mood-meter answer with the venue, site, offer, category and "
                            "month only: no card, use, date or order (random id)",
}
