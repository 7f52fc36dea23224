"""The numbers the detection rules use, each with its source (issue 19: thresholds are data).

Seeded into ``obstacles.Threshold`` by a migration; an administrator changes a value in the
admin, and the rules read it from there (``obstacles.detection.threshold``).
"""

NAV_NOTICE_DAYS = "nav-notice-days"
MUNICIPALITY_NOTICE_DAYS = "municipality-notice-days"
NEEDS_WITHOUT_MEASURE_DAYS = "needs-without-measure-days"
NEEDS_CONVERSATION_DAYS = "needs-conversation-days"
CONSENT_ASKED_DAYS = "consent-asked-days"

#: (key, value, source)
THRESHOLDS = [
    (
        NAV_NOTICE_DAYS,
        56,
        "NAV is often told of a release on the day or after it (EX/IN final report, Bydel Søndre Nordstrand, "
        "2024). 8 weeks is this system's default, as the release-notice deadline of the Norwegian rule set.",
    ),
    (
        MUNICIPALITY_NOTICE_DAYS,
        56,
        "The handover from prison to the municipality is fragile (Stimulab, 2024, reentry map, challenge 4). "
        "8 weeks is this system's default, as the release-notice deadline of the Norwegian rule set.",
    ),
    (
        NEEDS_WITHOUT_MEASURE_DAYS,
        28,
        "The initial mapping of needs often leads to no concrete measure (Stimulab, 2024, reentry map, "
        "challenge 1.3.2); POP step 4 asks for proposals within the next working week after the needs "
        "conversation. 4 weeks after the first plan is this system's default.",
    ),
    (
        NEEDS_CONVERSATION_DAYS,
        7,
        "The needs conversation is held «senest innenfor nærmeste uke fra innkomst», at the latest within the "
        "week after intake (Stimulab, 2024, POP step 2); the same as the needs-conversation deadline of the "
        "Norwegian rule set. Applied to cases in Norwegian prisons.",
    ),
    (
        CONSENT_ASKED_DAYS,
        7,
        "«Samtykke skal bes om ved slutten av samtalen om behov»: consent is asked at the end of the needs "
        "conversation (Stimulab, 2024, POP step 3). A week after the conversation is this system's default.",
    ),
]
