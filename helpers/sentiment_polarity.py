"""Reviews that turn on a negative word: the second generator of lesson 08's training reviews.

Part of lesson 08 (:func:`helpers.sentiment.lesson_data` mixes these into training). People
often praise with a negative word and complain with one that sounds like praise: *not once did
we complain*, *nothing about it annoyed me*, *could not have been kinder*, *far from bland*,
*the advert promised a quiet room . it was not*. A model drilled only on "not" + an adjective
reads these the wrong way round.

:func:`polarity_reviews` draws labelled reviews (1 = positive) from a grammar of such
constructions. Each construction is written for both verdicts with the same negative words
("nothing about it annoyed me" / "nothing about it impressed me", "could not have been kinder"
/ "could not have been ruder"), so the negative word alone never gives the label away: the
model has to read what it applies to. The things, adjectives, nouns, verbs and contexts come
from the everyday lexicon (``data/sentiment_lexicon.json``); the grammar's own words are below.

The hand-written set these are measured on (``data/negation_reviews.csv``) was written and
frozen before this grammar, and the grammar is kept from copying it:
``tests/test_sentiment_polarity.py`` fails when a generated review shares a run of six or more
words with a review of either hand-written set.
"""
from __future__ import annotations

from .datasets import TextDataset
from .sentiment_reviews import FEELINGS, NOT_NEGATED, Lexicon, _plural, _Writer, generate

IRREGULAR = {"good": ("better", "best"), "bad": ("worse", "worst"), "great": ("better", "best"),
             "poor": ("worse", "worst")}
# Small "no …" nouns: what a good visit has none of, and what a bad one lacked.
NO_GOOD = ["fuss", "queueing", "surprises", "problems", "complaints", "hassle", "queues", "delays", "drama",
           "hidden fees", "nasty surprises", "stress", "issues"]
NO_BAD = ["help", "apology", "refund", "smile", "answer", "hot water", "towels", "instructions", "updates",
          "explanation", "reply", "welcome", "manners"]
# Small faults and things that went wrong, countable: "not a single complaint", "not once did it crash".
FAULTS = ["complaint", "problem", "issue", "fault", "hiccup", "glitch", "mistake", "bad word", "moan"]
FAILS = ["broke", "failed", "crashed", "froze", "stopped working", "dropped out", "let me down", "gave up",
         "went wrong", "disappointed"]
DULL = ["dull", "boring", "wasted", "slow", "bad", "tedious", "bland"]
UPSETS = ["disappointed", "bothered", "annoyed", "let down", "upset", "worried", "irritated", "put off"]
PLEASES = ["impressed", "pleased", "surprised", "excited", "moved", "delighted", "won over", "interested"]
ASSURERS = ["my sister swore", "the reviews promised", "the advert said", "my friends said", "i was told",
            "the website claimed", "the photos suggested", "i had heard", "i was warned", "people said",
            "the brochure said", "i was promised"]
DENIALS = ["it was not", "it wasn't", "it really wasn't", "not at all", "not even close",
           "far from it", "it was anything but", "it wasn't , not at all", "it really was not", "oh no it wasn't",
           "not a bit of it", "it absolutely was not", "it was nothing of the sort"]
AGREEMENTS = ["it was", "it really was", "and it was", "and it really was", "it certainly was",
              "and it was exactly that", "they were right", "it was , and then some", "and so it was", "it truly was"]
STAFF = ["the staff", "our server", "the manager", "the host", "the owner", "the receptionist", "the driver",
         "the team", "the crew", "customer service", "the seller", "the guide"]
WHO = ["i", "we", "my wife", "my husband", "my partner", "the kids", "my mum", "my dad", "my friend", "my son"]


def comparative(word: str) -> str:
    """English comparative of a one-word adjective, by rule: nice → nicer, kind → kinder, helpful → more helpful."""
    if word in IRREGULAR:
        return IRREGULAR[word][0]
    if word.endswith("y") and len(word) <= 8:
        return word[:-1] + "ier"
    if word.endswith("e") and len(word) <= 6:
        return word + "r"
    if len(word) <= 4 and word[-1] not in "aeiouwy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
        return word + word[-1] + "er"
    if len(word) <= 6 and not word.endswith(("ed", "ing", "ful", "ous", "ive", "ic", "al")):
        return word + "er"
    return "more " + word


def superlative(word: str) -> str:
    """English superlative of a one-word adjective, by the same rule: nice → nicest, helpful → most helpful."""
    if word in IRREGULAR:
        return IRREGULAR[word][1]
    more = comparative(word)
    if more.startswith("more "):
        return "most " + word
    return more[:-2] + "est" if more.endswith("er") else "most " + word


def with_article(phrase: str) -> str:
    """``"a"`` or ``"an"`` before ``phrase``, by its first letter: "an awful room", "a total letdown"."""
    return f"{'an' if phrase[:1] in 'aeiou' else 'a'} {phrase}"


class _PolarityWriter(_Writer):
    """Draws one review of a given polarity (+1 / -1) that turns on a negative word.

    Each construction method takes the review's sign and returns one clause; :data:`CONSTRUCTIONS`
    lists them, and :meth:`polarity_review` draws one and dresses it as a review.
    """

    def adj(self, sign: int) -> str:
        """A plain one-word adjective of polarity ``sign`` that reads well after "not", "far from", "anything but"."""
        options = [w for w in self.lex.adjectives[sign]["mild"] + self.lex.adjectives[sign]["strong"]
                   if " " not in w and w not in NOT_NEGATED and w not in FEELINGS]
        return self.pick(options)

    def things(self) -> str:
        word = self.thing()
        return word if _plural(word) else self.pick([word + "s", "things", "dishes" if self.topic == "restaurant"
                                                     else "parts", "extras"])

    def the_thing(self) -> str:
        return self.pick(["the", "the", "our", "my", "their", "this"]) + " " + self.thing()

    # -- the constructions --
    def could_not_have_been(self, sign: int) -> str:
        """A comparative that cannot be topped: "she could not have been kinder" / "… ruder"."""
        more = comparative(self.adj(sign))
        who = self.pick(STAFF + ["they", "she", "he", "everything", "it"])
        if self.chance(0.3):
            if sign > 0:
                return f"{self.pick(['i', 'we'])} could not have {self.pick(['wished', 'hoped', 'asked'])} " \
                       f"for a {more} {self.pick([self.thing(), 'stay', 'evening', 'experience'])}"
            return f"{self.pick(['i', 'we'])} could not have picked a {more} {self.thing()} if we had tried"
        neg = self.pick(["could not have been", "couldn’t have been", "could not have been any", "couldn’t be",
                         "could hardly have been", "could not be"])
        return f"{who} {neg} {more}"

    def nothing_about(self, sign: int) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            verb = self.pick(UPSETS if sign > 0 else PLEASES)
            return f"nothing about {self.pick(['it', 'the place', 'the whole thing', 'our visit', 'the evening', 'this one'])} " \
                   f"{verb} {self.pick(['me', 'us', 'me at all', 'us one bit', 'me'])}"
        if roll < 0.75:
            return f"there was nothing {self.adj(-sign)} about {self.pick([self.the_thing(), 'it', 'any of it'])}"
        if sign > 0:
            return self.pick(["nothing went wrong", "nothing was too much trouble", "nothing was missing",
                              "nothing was out of place", "there was nothing to complain about"])
        return self.pick(["nothing worked", "nothing went right", "nothing was ready", "nothing was clean",
                          "nothing works the way it should", "nothing about it was right",
                          "nothing tasted of anything"])

    def postposed(self, sign: int) -> str:
        """The verdict comes after the full stop: "the advert promised a quiet room . it was not"."""
        claimed = -sign if self.chance(0.65) else sign
        if self.chance(0.5):
            described = f"{self.pick(['the', 'this'])} {self.thing()} " \
                        f"{self.pick(['was going to be', 'should be', 'is'])} {self.graded(claimed)}"
        else:
            noun = self.pick(self.lex.nouns[claimed])
            described = f"{self.pick(['it', 'the ' + self.thing()])} {self.pick(['is', 'was'])} {with_article(noun)}"
        if self.chance(0.35):
            described = with_article(f"{self.pick(['', 'really ', 'very '])}{self.adj(claimed)} {self.thing()}")
            verb = self.pick(["promised", "described", "showed", "advertised", "sold us"])
            return f"{self.pick(['the reviews', 'the website', 'the advert', 'the listing', 'my friend'])} {verb} " \
                   f"{described} . {self.pick(DENIALS) if claimed != sign else self.pick(AGREEMENTS)}"
        answer = self.pick(DENIALS) if claimed != sign else self.pick(AGREEMENTS)
        return f"{self.pick(ASSURERS)} {described} . {answer}"

    def anything_but(self, sign: int) -> str:
        if sign < 0 and self.chance(0.4):
            return f"{self.subject()} was supposed to be {self.adj(1)} {self.pick([';', ',', '.'])} it was anything but"
        return f"{self.subject()} {self.pick(['was', 'is', 'felt', 'turned out'])} anything but {self.adj(-sign)}"

    def far_from(self, sign: int) -> str:
        roll = self.rng.random()
        if sign > 0 and roll < 0.4:
            return f"far from {self.pick(['perfect', 'perfect', 'fancy', 'luxurious', 'cheap', 'flawless', 'new'])} , " \
                   f"but {self.clause(1)}"
        if sign < 0 and roll < 0.5:
            best = superlative(self.adj(1))
            return f"far from the {best} {self.thing()} {self.pick(['i have had', 'in town', 'we tried', 'around', ''])}"
        return f"{self.subject()} was far from {self.adj(-sign)}"

    def cannot(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"i can't fault {self.pick(['them', 'anything', 'it', 'a thing'])}",
                              f"there is nothing i would {self.pick(['change', 'improve', 'add'])}",
                              f"i couldn't find anything wrong with {self.the_thing()}",
                              f"i can't {self.pick(['praise', 'recommend'])} {self.pick(['it', 'them'])} "
                              f"{self.pick(['enough', 'highly enough'])}",
                              "i can't complain", "we couldn't have been happier", "i can't wait to go back",
                              f"i can't say a bad word about {self.pick(['it', 'them', self.the_thing()])}"])
        return self.pick([f"i can't say i {self.pick(['liked', 'cared for'])} "
                          f"{self.pick(['any part of it', 'much of it', self.the_thing()])}",
                          f"i can't recommend {self.pick(['it', 'this place', 'them'])}",
                          f"i can't find anything good to say about {self.pick(['it', self.the_thing()])}",
                          f"i couldn't wait to {self.pick(['leave', 'get out', 'go home'])}",
                          f"i can't believe we paid for {self.pick(['it', 'that', self.the_thing()])}",
                          f"i couldn't {self.pick(['finish', 'eat', 'stand', 'use'])} "
                          f"{self.pick(['it', 'half of it', self.the_thing()])}"])

    def not_once(self, sign: int) -> str:
        if sign > 0:
            if self.chance(0.5):
                return f"not once did {self.pick(['we', 'i', 'anyone'])} " \
                       f"{self.pick(['complain', 'have a problem', 'feel rushed', 'get bored', 'look at a watch'])}"
            if self.chance(0.3):     # a complaint verb, negated: "not once did we regret it"
                return f"not once did {self.pick(WHO)} {self.pick(self.lex.verbs[-1])[1]} " \
                       f"{self.pick(['it', 'coming', 'the trip'])}"
            return f"{self.subject()} {self.pick(['never once', 'has not once', 'hasn’t once', 'never'])} " \
                   f"{self.pick(FAILS)}"
        if self.chance(0.2):         # a praise verb, negated: "not once did my son enjoy it"
            return f"not once did {self.pick(WHO)} {self.pick(self.lex.verbs[1])[1]} " \
                   f"{self.pick(['it', 'a minute of it', 'the trip'])}"
        if self.chance(0.5):
            return f"{self.pick(['not once did', 'never did'])} {self.pick(STAFF + ['somebody', 'anyone'])} " \
                   f"{self.pick(['say sorry', 'smile', 'check on us', 'help', 'reply', 'offer a refill', 'seem to care'])}"
        return f"{self.subject()} {self.pick(['never', 'never once', 'not once'])} " \
               f"{self.pick(['worked', 'arrived on time', 'did what it said', 'turned up', 'worked properly', 'came'])}"

    def never_better(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"i have never {self.pick(['slept', 'eaten', 'felt', 'been looked after'])} better",
                              f"i've never had a better {self.thing()}",
                              f"never had a {comparative(self.adj(1))} {self.thing()}",
                              f"i have never {self.pick(['seen', 'had', 'used'])} a {comparative(self.adj(1))} "
                              f"{self.thing()}",
                              f"{self.pick(WHO)} never {self.pick(['wanted to leave', 'stopped smiling', 'looked back'])}"])
        return self.pick([f"i've had better {self.thing()} "
                          f"{self.pick(['at home', 'for half the price', 'at a petrol station', 'in a hospital', ''])}",
                          f"i have never had a worse {self.thing()}",
                          f"i have never {self.pick(['seen', 'had', 'used'])} a {comparative(self.adj(-1))} "
                          f"{self.thing()}",
                          f"the {self.pick(['refund', 'upgrade', 'discount', self.thing()])} "
                          f"{self.pick(['they promised', 'we were promised'])} never "
                          f"{self.pick(['came', 'arrived', 'happened'])}"])

    def no_list(self, sign: int) -> str:
        if self.chance(0.3):         # "no manual needed" (+) / "no apology given" (-)
            if sign > 0:
                return f"no {self.pick(['manual', 'instructions', 'tools', 'booking', 'help', 'extras'])} " \
                       f"{self.pick(['needed', 'required', 'necessary'])}"
            return f"no {self.pick(['apology', 'help', 'refund', 'explanation', 'answer'])} " \
                   f"{self.pick(['given', 'offered', 'anywhere'])}"
        words = list(self.rng.choice(NO_GOOD if sign > 0 else NO_BAD, size=int(self.rng.integers(2, 4)),
                                     replace=False))
        listed = " , ".join(f"no {w}" for w in words)
        return listed if self.chance(0.6) else f"{listed} {self.pick(['at all', '', 'whatsoever', 'anywhere'])}"

    def not_a_single(self, sign: int) -> str:
        roll = self.rng.random()
        if roll < 0.35:
            if sign > 0:
                return f"not a single {self.pick(FAULTS)} " \
                       f"{self.pick(['in three years', 'all week', 'the whole time', ''])}"
            return f"not a single {self.thing()} was {self.adj(1)}"
        if roll < 0.7:
            word = self.pick(DULL) if sign > 0 else self.adj(1)
            return f"there {self.pick(['was not', 'was never', 'was not one'])} " \
                   f"{self.pick(['a single ', 'one ', ''])}{word} " \
                   f"{self.pick([self.thing(), 'moment', 'minute', 'day', 'bite', 'page'])}"
        if self.chance(0.5):
            return f"there {self.pick(['wasn’t', 'was not'])} a single {self.adj(-sign)} " \
                   f"{self.pick([self.thing(), 'seat', 'corner', 'plate'])} " \
                   f"{self.pick(['in the place', 'all day', 'anywhere', ''])}"
        if sign > 0:
            return f"not a single {self.thing()} was {self.adj(-1)}"
        return f"{self.pick(['not one', 'there was not one', 'we could not find one'])} " \
               f"{self.pick(['clean', 'working', 'friendly', 'fresh', 'comfortable'])} " \
               f"{self.pick([self.thing(), 'face', 'chair', 'towel'])}"

    def nobody(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"{self.pick(['nobody', 'no one', 'none of us'])} "
                              f"{self.pick(['left', 'went home', 'was', 'felt'])} "
                              f"{self.pick(['hungry', 'unhappy', 'disappointed', 'bored', 'let down'])}",
                              f"{self.pick(['nobody', 'no one'])} "
                              f"{self.pick(['complained', 'had a bad word to say', 'wanted to leave'])}",
                              f"hardly anyone has heard of it , and it deserves "
                              f"{self.pick(['better', 'more visitors', 'to be busy'])}"])
        return self.pick([f"{self.pick(['no one', 'nobody'])} "
                          f"{self.pick(['answered', 'helped', 'came', 'said sorry', 'replied', 'cared', 'smiled', 'listened'])}",
                          f"{self.pick(['nobody', 'none of us', 'no one'])} {self.pick(['enjoyed', 'liked', 'finished'])} "
                          f"{self.pick(['it', 'the ' + self.thing()])}",
                          f"hardly anyone {self.pick(['came back', 'stayed to the end', 'finished it', 'was happy'])}",
                          f"{self.subject()} {self.pick(['hardly', 'barely'])} "
                          f"{self.pick(['works', 'worked', 'lasts a day', 'did anything'])}"])

    def wont_find(self, sign: int) -> str:
        if sign > 0:
            return f"you will not find a {comparative(self.adj(1))} {self.pick([self.thing(), 'place', 'team'])} " \
                   f"{self.pick(['anywhere', 'at this price', 'for the money'])}"
        if self.chance(0.5):
            return f"i would not {self.pick(['go back', 'eat there', 'stay there', 'use it again'])} if they paid me"
        return f"you will not find a {comparative(self.adj(-1))} {self.thing()} {self.pick(['anywhere', 'for the money'])}"

    def not_too(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"{self.subject()} was not {self.pick(['too', 'a bit too', 'a minute too'])} "
                              f"{self.pick(self.lex.too)}",
                              f"{self.subject()} is not {self.pick(['difficult', 'tricky'])} to "
                              f"{self.pick(['use', 'find', 'set up', 'love'])}",
                              f"not {self.adj(-1)} at all , considering the price"])
        return self.pick([f"{self.subject()} is not {self.pick(['easy', 'simple', 'pleasant'])} to "
                          f"{self.pick(['use', 'follow', 'find', 'set up', 'like'])}",
                          f"not {self.adj(1)} {self.pick(['at all', 'in the least', 'by any means'])}"])

    def expectations(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"{self.pick(['my hopes were low', 'i had low hopes', 'i didn’t expect much'])} , "
                              f"{self.pick(['yet', 'but', 'and yet'])} {self.clause(1)}",
                              f"i never wanted {self.pick(['it', 'the evening'])} to finish",
                              f"{self.pick(['we', 'i', 'the kids'])} {self.pick(['didn’t', 'did not'])} want it to "
                              f"{self.pick(['end', 'stop', 'finish'])}",
                              f"{self.pick(['we', 'i'])} didn't want to {self.pick(['leave', 'go home', 'put it down'])}"])
        return self.pick([f"{self.pick(['my hopes were low', 'i had low hopes', 'i didn’t expect much'])} , and it "
                          f"{self.pick(['still managed to disappoint', 'was worse than that'])}",
                          f"i {self.pick(['didn’t', 'did not'])} {self.pick(['want', 'expect'])} to "
                          f"{self.pick(['leave early', 'be ignored', 'wait an hour'])} , but "
                          f"{self.pick(['we did', 'i was', 'we had to'])}",
                          f"{self.pick(['we', 'i'])} didn't {self.pick(['stay', 'finish', 'go back'])}",
                          f"{self.pick(STAFF)} {self.pick(['didn’t', 'did not', 'never'])} "
                          f"{self.pick(['show any interest', 'bother to help', 'listen', 'apologise'])}",
                          f"{self.pick(['we', 'i'])} never {self.pick(['got', 'received'])} "
                          f"{self.pick(['our refund', 'the upgrade', 'what we ordered', 'an answer', 'a reply'])}"])

    def would_not(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"i {self.pick(['would not', 'wouldn’t'])} think twice about "
                              f"{self.pick(['going back', 'buying another', 'booking again'])}",
                              f"{self.pick(['i', 'we'])} {self.pick(['would not', 'wouldn’t', 'will not'])} hesitate to "
                              f"{self.pick(['book again', 'go back', 'buy another', 'tell friends'])}",
                              f"i {self.pick(['would not', 'wouldn’t'])} change a thing",
                              f"i wouldn't {self.pick(['stay', 'eat', 'shop'])} anywhere else",
                              f"{self.pick(['you', 'we'])} {self.pick(['cannot', 'could not'])} do much better",
                              "we won't be going anywhere else",
                              f"i'd {self.pick(['happily', 'gladly', ''])} {self.pick(['go back', 'book again', 'buy another'])} "
                              f"{self.pick(['tomorrow', 'any day', ''])}"])
        return self.pick([f"i {self.pick(['would not', 'wouldn’t'])} recommend "
                          f"{self.pick(['it', 'them', 'the ' + self.thing()])}",
                          f"i wouldn't {self.pick(['go back', 'buy it again', 'stay there again', 'eat there again'])}",
                          f"{self.pick(['you', 'we'])} {self.pick(['cannot', 'could not'])} do much worse",
                          "we won't be going back",
                          f"i'd rather {self.pick(['stay home', 'eat at home', 'pay double elsewhere'])} than go back"])

    def neither_nor(self, sign: int) -> str:
        first, second = self.thing(), self.thing()
        if sign > 0:
            if self.chance(0.5):
                return f"neither the {first} nor the {second} {self.pick(['spoiled', 'ruined', 'spoilt'])} " \
                       f"{self.pick(['a great stay', 'our evening', 'it', 'a lovely day', 'the fun'])}"
            return f"neither the {first} nor the {second} {self.pick(['was', 'were'])} {self.adj(-1)}"
        if self.chance(0.5):
            return f"neither the {first} nor the {second} " \
                   f"{self.pick(['worked', 'was working', 'was any good', 'was ready'])}"
        return f"neither the {first} nor the {second} {self.pick(['was', 'were'])} {self.adj(1)}"

    def none_of(self, sign: int) -> str:
        what = self.things()
        if sign > 0:
            return self.pick([f"none of the {what} {self.pick(['were', 'was'])} {self.adj(-1)}",
                              f"none of the {what} {self.pick(['were', 'was'])} anything less than {self.adj(1)}",
                              f"none of us "
                              f"{self.pick(['complained', 'regretted it', 'wanted to leave', 'was disappointed'])}"])
        return self.pick([f"none of the {what} {self.pick(['were', 'was'])} {self.adj(1)}",
                          f"none of the {what} {self.pick(['worked', 'turned up', 'were ready', 'arrived'])}",
                          f"none of us {self.pick(['enjoyed it', 'wanted to stay', 'finished it', 'liked it'])}"])

    def without_doubt(self, sign: int) -> str:
        if sign > 0 and self.chance(0.3):
            return f"without {self.pick(['a single', 'any', 'a'])} {self.pick(FAULTS + ['doubt'])}"
        best = superlative(self.adj(sign)) if self.chance(0.6) else IRREGULAR["good" if sign > 0 else "bad"][1]
        return f"{self.pick(['without a doubt', 'without question', 'no doubt', 'easily'])} the {best} " \
               f"{self.thing()} {self.pick(['i have ever had', 'i’ve ever had', 'in town', 'we have tried', 'around', ''])}"

    def not_a_patch(self, sign: int) -> str:
        """Measured against a standard, with a negative word: "nothing beats it" / "nowhere near as good as …"."""
        standard = self.pick(self.lex.standards)
        if sign > 0:
            return self.pick([f"nothing {self.pick(['comes close to', 'beats', 'compares to'])} "
                              f"{self.pick(['it', 'this', self.the_thing()])}",
                              f"{self.subject()} is {self.pick(['no', 'not'])} {self.pick(['worse', 'less good'])} "
                              f"than {standard}"])
        return self.pick([f"{self.subject()} {self.pick(['is', 'was'])} "
                          f"{self.pick(['nowhere near', 'not nearly', 'not half'])} as {self.adj(1)} as {standard}",
                          f"{self.subject()} {self.pick(['is', 'was'])} no {self.pick(['better', 'nicer'])} "
                          f"than {standard}"])

    def question(self, sign: int) -> str:
        asked = self.pick(["was it worth it", "was it worth the money", "would we return", "would i book again",
                           "would i recommend it", "did we enjoy it", "was it any good"])
        if sign > 0:
            answer = self.pick(["absolutely", "yes", "no question", "without a doubt", "in a heartbeat", "of course",
                                "no doubt about it", "every time", "yes , no question"])
        else:
            answer = self.pick(["no", "not really", "not at all", "not even close", "no , not for free",
                                "never", "no way", "sadly no", "not a chance"])
        return f"{asked} ? {answer}"

    def not_what(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"exactly what i {self.pick(['ordered', 'wanted', 'needed', 'paid for'])}",
                              f"{self.subject()} was no {self.pick(['letdown', 'disappointment', 'rip-off', 'joke'])}",
                              f"{self.subject()} {self.pick(['didn’t', 'did not'])} disappoint"])
        if self.chance(0.3):         # a praise noun, denied: "it was not a bargain", "hardly a treat"
            noun = self.pick(self.lex.nouns[1])
            denied = self.pick(["it was not", "it is not", "it was hardly", "hardly", "not exactly",
                                "it was not exactly"])
            return f"{denied} {with_article(noun)}"
        return self.pick([f"not what i {self.pick(['ordered', 'wanted', 'expected', 'paid for'])}",
                          f"{self.subject()} was nothing like the {self.pick(['photos', 'advert', 'website', 'menu'])}",
                          f"not exactly {self.pick([self.adj(1), 'what we hoped for'])}",
                          f"{self.subject()} {self.pick(['didn’t', 'did not', 'never'])} live up to the hype"])

    def wasnt_three(self, sign: int) -> str:
        """Three denials in a row: "the show wasn't dull , wasn't rude and wasn't slow" (+), or of praise (-)."""
        words = [self.adj(-sign) for _ in range(3)]
        subject = self.subject()
        neg = "weren't" if _plural(subject) else "wasn't"
        return f"{subject} {neg} {words[0]} , {neg} {words[1]} and {neg} {words[2]}"

    def regret(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"{self.pick(['i', 'we'])} {self.pick(['never', 'don’t', 'do not'])} regret "
                              f"{self.pick(['it', 'a penny', 'the trip'])}",
                              f"{self.subject()} "
                              f"{self.pick(['never disappoints', 'never fails to impress', 'never lets me down'])}",
                              f"{self.pick(['not', 'never'])} a {self.pick(['dull', 'wasted', 'boring'])} "
                              f"{self.pick(['minute', 'second', 'hour', 'moment'])}"])
        return self.pick([f"{self.pick(['i', 'we'])} {self.pick(['regret', 'regretted'])} "
                          f"{self.pick(['it', 'booking it', 'buying it', 'every penny'])}",
                          f"{self.subject()} "
                          f"{self.pick(['never fails to disappoint', 'never gets any better', 'never works'])}",
                          "never again",
                          f"{self.pick(['not', 'never'])} a {self.pick(['single', ''])} {self.pick(['pleasant', 'happy', 'good'])} "
                          f"{self.pick(['minute', 'moment'])}"])

    def hardly_any(self, sign: int) -> str:
        if sign > 0:
            return self.pick([f"{self.pick(['hardly', 'barely', 'scarcely'])} {self.pick(['a', 'any'])} "
                              f"{self.pick(FAULTS + ['wait', 'noise', 'queue'])} "
                              f"{self.pick(['all week', 'the whole time', 'at all', ''])}",
                              f"{self.pick(['i', 'we'])} {self.pick(['hardly', 'barely'])} noticed the "
                              f"{self.pick(['wait', 'noise', 'price', 'rain'])}"])
        return self.pick([f"{self.pick(['hardly', 'barely', 'scarcely'])} {self.pick(['a', 'any', 'one'])} {self.thing()} "
                          f"{self.pick(['was', 'turned out'])} {self.adj(1)}",
                          f"{self.pick(['hardly', 'barely'])} a {self.pick(['word', 'thing', 'bite', 'minute'])} of it "
                          f"{self.pick(['worked', 'made sense', 'was any good', 'could be enjoyed'])}"])

    def nothing_special(self, sign: int) -> str:
        """A plain-looking thing that never fails (+), or a smart-looking one that does (-)."""
        subject = self.subject()
        if sign > 0:
            return f"{subject} {self.pick(['looks plain', 'looks ordinary', 'is nothing fancy'])} , yet " \
                   f"{self.pick(['it never once', 'it has not once', 'not once has it'])} {self.pick(FAILS)}"
        return f"{subject} looks {self.adj(1)} , but {self.pick(['it hardly', 'it barely', 'it never', 'it has never'])} " \
               f"{self.pick(['works', 'worked', 'lasts a day', 'did what it should'])}"

    CONSTRUCTIONS = ("hardly_any", "nothing_special", "could_not_have_been", "nothing_about", "postposed",
                     "anything_but", "far_from", "cannot", "not_once", "never_better", "no_list", "not_a_single",
                     "nobody", "wont_find", "not_too", "expectations", "would_not", "neither_nor", "none_of",
                     "without_doubt", "not_a_patch", "question", "not_what", "wasnt_three", "regret")

    def polarity_review(self, sign: int) -> str:
        """One review: a construction, sometimes with a plain clause of the first generator and some context."""
        self.topic = self.pick(sorted(self.lex.topics))
        body = getattr(self, self.pick(self.CONSTRUCTIONS))(sign)
        roll = self.rng.random()
        if roll < 0.2:                                     # a second clause that agrees
            body = f"{body} {self.pick([' , and ', ' . ', ' ! ', ' , '])} {self.clause(sign)}"
        elif roll < 0.35:
            body = f"{self.clause(sign)} {self.pick([' . ', ' , ', ' , and '])} {body}"
        elif roll < 0.45:                                  # or a milder one that disagrees, conceded
            body = f"{self.concession(-sign)} , but {body}"
        if self.chance(0.25):
            context = self.pick(self.lex.topics[self.topic]["context"])
            body = f"{context} . {body}" if self.chance(0.7) else f"{body} . {context}"
        body = body.replace("’", "'")                      # the grammar writes ’ to keep its f-strings readable
        return body + self.pick([" .", " .", " !", "", " . "]).rstrip()


def polarity_reviews(n: int, *, seed: int = 0, lexicon: Lexicon | None = None) -> TextDataset:
    """``n`` generated reviews that turn on a negative word, half positive (1) and half negative (0), shuffled.

    Deterministic given ``seed``; lower-case, punctuation as separate tokens, like
    :func:`helpers.sentiment_reviews.everyday_reviews`.
    """
    return generate(n, seed, lexicon, _PolarityWriter, "polarity_review", "polarity_reviews")
