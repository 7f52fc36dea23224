"""The words of the summons's preparation list, one short paragraph per topic (seed 001 step 0.1 and 3.2.4).

Plain words for the person: second person, short sentences, LIX at most 35 in nb, da and en
(``summons/tests/test_letter.py``). Seed 001 3.2.4: many get too little time to prepare,
cannot set money aside and build new debt while they serve; the debt topic says so.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from summons.models import Topic

TOPIC_TEXT: dict[str, Promise] = {
    Topic.NAV: _(
        "Tell NAV that you will serve a sentence. Money from NAV stops or gets less while you are inside. "
        "Ask what happens to your money."
    ),
    Topic.HOME: _(
        "Think about your home. Can you keep it while you are away? Talk to the one you rent from. "
        "Ask NAV or the town about help to pay the rent."
    ),
    Topic.DEBT: _(
        "Write down what you owe and what you pay each month. Ask NAV for free help with debt. "
        "Try to put some money aside. Then you do not get new debt while you are away."
    ),
    Topic.WORK: _("Tell your work or school when you start. Ask if you can come back after."),
    Topic.FAMILY: _(
        "Think about who takes care of your children or pets. Tell your family when you start and how they can visit."
    ),
    Topic.HEALTH: _(
        "Make a list of your pills. Tell your doctor when you start. Ask if your care can go on while you are away."
    ),
    Topic.PAPERS: _(
        "Bring your ID: a passport, an ID card or a driving licence. Make sure you can use your bank and pay bills."
    ),
}
