"""Companies in general news, where most organisations are not companies: an unknown organisation is
a company only when the text or well-kept data shows it (see bot/extract/company_evidence.py), and
people keep their names free of the titles and places the NER runs into them. Sentences written for
these tests; the companies in them are invented unless they are listed ones."""

from __future__ import annotations

import pytest

from bot.extract.models import ArticleFacts
from bot.extract.pipeline import ArticleText, Extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def facts(extractor: Extractor, *paragraphs: str, title: str = "News of the day") -> ArticleFacts:
    return extractor.extract(ArticleText(title, "\n\n".join(paragraphs), "Daily Planet", None))


def companies(extractor: Extractor, *paragraphs: str) -> set[str]:
    return {c.name for c in facts(extractor, *paragraphs).companies}


@pytest.mark.parametrize(
    "text, not_a_company",
    [
        (
            "Fans of the Velvet Lanterns filled the stadium, and the band played for three hours.",
            "Velvet Lanterns",
        ),
        (
            "The Popular Renewal Front won 40 seats, and its leader Ana Morel claimed victory.",
            "Popular Renewal Front",
        ),
        (
            "Militants of the Crescent Dawn Brigade attacked a checkpoint near the border.",
            "Crescent Dawn Brigade",
        ),
        (
            "Thousands attended the Harbour Lights Festival on Saturday, organisers said.",
            "Harbour Lights Festival",
        ),
        ("Volunteers from Helping Hands Relief handed out blankets after the flood.", "Helping Hands Relief"),
        # "SA" glued by a hyphen is no legal form
        ("The code is under the GPL and the artwork under CC BY-SA, the developer said.", "CC BY-SA"),
        # a ship, whatever the words around it: "the aircraft carrier" is no airline
        ("Pilots trained on the aircraft carrier, the USS Harwell, for a month.", "USS Harwell"),
    ],
)
def test_an_organisation_the_text_never_shows_to_be_a_company_is_not_one(
    extractor: Extractor, text: str, not_a_company: str
):
    assert not_a_company not in companies(extractor, text)


@pytest.mark.parametrize(
    "text, company",
    [
        # a legal form
        ("Quillon Robotics Inc. opened an office in Leeds on Monday.", "Quillon Robotics"),
        # a name companies are named by
        ("Passengers of Nordvik Airlines were stranded after the storm.", "Nordvik Airlines"),
        # described as one, before or in apposition
        ("The retailer Brambles sold 40 stores last year.", "Brambles"),
        ("Tarquin, a shipping firm based in Genoa, lost a vessel in the storm.", "Tarquin"),
        # in business relations
        ("Shares of Velloria fell 8% after the recall.", "Velloria"),
        ("Marta Quist, an analyst at Fenwright, expects more cuts.", "Fenwright"),
        ("The owner of Marlowe Fisheries said the boat was insured.", "Marlowe Fisheries"),
        ("Halvard said the Brisco chain would close ten shops.", "Brisco"),
        ("Three children were hurt when a Brannock Transit bus hit a bridge in Leeds.", "Brannock Transit"),
        ("She works for a firm called Quorvell, which builds websites for farmers.", "Quorvell"),
        ("Shoppers have moved to discount stores such as Penbury.", "Penbury"),
        # a name the NER gives no label at all, listed as one of them
        ("Prices fell at discount stores such as Marrowby and TORLO this spring.", "TORLO"),
        ("The head chef of the Bellamonte restaurant was found dead on Wednesday.", "Bellamonte"),
        # what companies run, by whom
        ("Islanders rely on a ferry operated by Halbrook, which sails twice a day.", "Halbrook"),
        # in a deal: what is bought, who buys a business's parts
        ("Ostrander acquired Velmont last year for an undisclosed sum.", "Velmont"),
        ("Dunmore sold its 300 stores in Thailand to Tavistone in March.", "Tavistone"),
        # how it is owned
        ("Drones hit a refinery of the state-owned Gorvex Petro on Saturday.", "Gorvex Petro"),
        ("Family-owned Brenwick employs 40 people in the valley.", "Brenwick"),
        # listed on a stock index (pytickersymbols' data)
        ("A gunman opened fire in a Walmart in the city on Saturday.", "Walmart"),
    ],
)
def test_an_organisation_shown_to_be_a_company_is_one(extractor: Extractor, text: str, company: str):
    assert company in companies(extractor, text)


def test_companies_listed_beside_a_company_are_companies_too(extractor: Extractor):
    found = companies(
        extractor,
        "Under pressure, German firms including Deutsche Bahn, Rheinwerk, and Siemens said they would leave Iran.",
    )
    assert {"Deutsche Bahn", "Rheinwerk", "Siemens"} <= found


@pytest.mark.parametrize(
    "paragraphs, company, not_a_person",
    [
        (  # the name shows it: "Kestrel" alone may read as a surname
            (
                "Germany banned the airline Kestrel Air from its airports on Monday.",
                "Kestrel's director said the ban was political. Officials said Kestrel's permit was suspended.",
            ),
            "Kestrel Air",
            "Kestrel",
        ),
        (  # the text shows it once; elsewhere the name stands alone
            (
                "On Tuesday, US-based software company Brightwater announced it would end support for its old server.",
                "Brightwater said customers had two years to move. Brightwater had informed partners in March.",
            ),
            "Brightwater",
            "Brightwater",
        ),
    ],
)
def test_a_company_the_ner_also_takes_for_a_person_stays_a_company(
    extractor: Extractor, paragraphs: tuple[str, ...], company: str, not_a_person: str
):
    found = facts(extractor, *paragraphs)
    assert company in {c.name for c in found.companies}
    assert not_a_person not in {p.name for p in found.people}


def test_a_service_only_posted_on_is_not_a_company_of_the_story(extractor: Extractor):
    found = companies(
        extractor,
        "The singer had 750,000 followers on Facebook and posted a video on YouTube every week.",
        "Her Facebook page was taken down on Friday.",
    )
    assert found == set()


def test_a_service_that_acts_is_a_company(extractor: Extractor):
    found = companies(extractor, "Facebook removed the page on Friday and said it had broken its rules.")
    assert found == {"Meta Platforms"}


@pytest.mark.parametrize(
    "text, name, role",
    [
        ("Johnson met Queen Elizabeth II at Balmoral on Thursday.", "Elizabeth II", "queen"),
        ("The crowd cheered when Sultan Qaboos bin Said arrived.", "Qaboos bin Said", "sultan"),
        ("Vermont Bernie Sanders won the primary on Tuesday.", "Bernie Sanders", None),
        (
            "Senator Tammy Vorbeck of Iowa and Congresswoman Dara Quell of Ohio spoke.",
            "Dara Quell",
            "congresswoman",
        ),
        # an organisation the NER ran on into the name after a title and a place, or a legislature
        (
            "With most votes counted, the Senator from Vermont Bernie Sanders had won 914 delegates.",
            "Bernie Sanders",
            None,
        ),
        (
            "The President of Ukraine Volodymyr Zelenskyy said the crash would be investigated.",
            "Volodymyr Zelenskyy",
            None,
        ),
        (
            "Letters of support came from members of the House of Representatives Darin LaHood and Mike Bost.",
            "Darin LaHood",
            None,
        ),
        # an editor's brackets in a quotation
        ("Sources: [Prime Minister Narendra] Modi's speech.", "Narendra Modi", "prime minister"),
        # a name the NER gives no label at all, after a title
        (
            "Democrats praised Congresswoman Val Demings of Florida and Senator Tammy Duckworth of Illinois.",
            "Val Demings",
            "congresswoman",
        ),
    ],
)
def test_a_title_or_place_the_ner_ran_into_a_name_is_not_part_of_it(
    extractor: Extractor, text: str, name: str, role: str | None
):
    people = {p.name: p.role for p in facts(extractor, text).people}
    assert name in people, people
    if role is not None:
        assert people[name] == role


def test_a_company_named_once_in_passing_is_not_salient(extractor: Extractor):
    found = facts(
        extractor,
        "Police said the driver of the bus had worked for Kestrel Logistics Ltd. for a year.",
        "The road was closed for six hours while investigators examined the scene.",
    )
    assert [(c.name, c.salient) for c in found.companies] == [("Kestrel Logistics", False)]


def test_a_company_the_lead_is_about_is_salient(extractor: Extractor):
    found = facts(
        extractor,
        "Kestrel Logistics Ltd. opened a depot in Leeds on Monday.",
        "The depot employs 300 people.",
    )
    assert [(c.name, c.salient) for c in found.companies] == [("Kestrel Logistics", True)]


def test_companies_coordinated_as_the_subject_get_a_fact_each(extractor: Extractor):
    found = facts(
        extractor,
        "The minister spoke on Monday.",
        "Under pressure from Washington, German firms including Deutsche Bahn, Daimler and Siemens have "
        "announced plans to pull out of Iran.",
    )
    assert {(f.kind, f.company) for f in found.facts} >= {
        ("plan", "Deutsche Bahn"),
        ("plan", "Daimler"),
        ("plan", "Siemens"),
    }


@pytest.mark.parametrize(
    "opening",
    [
        "Lam Research said on Monday it would invest $1 billion in a new plant in Malaysia.",
        "ASE Technology Holding said on Tuesday it would buy a factory in Penang for $200 million.",
    ],
)
def test_a_paragraph_opening_with_a_name_keeps_its_whole_first_sentence(extractor: Extractor, opening: str):
    found = facts(extractor, opening, "The plant will open in 2026.")
    assert [f.sentence for f in found.facts][:1] == [opening]
    assert found.key_points[0] == opening


def test_what_did_not_happen_is_not_a_fact(extractor: Extractor):
    found = facts(
        extractor,
        "Quillon Robotics Inc. raised $20 million from Fenwright Capital on Monday.",
        "Velloria Corp., which invested in the previous round, did not take part this time.",
    )
    assert [(f.kind, f.company) for f in found.facts] == [("funding", "Quillon Robotics")]


def test_an_unknown_company_is_named_in_full_once_its_legal_name_is_written(extractor: Extractor):
    found = facts(
        extractor,
        "On Friday Halloway Motor Company announced that regulators had opened an investigation.",
        "Halloway said it was cooperating fully.",
        title="Regulators investigate Halloway over emissions",
    )
    assert [c.name for c in found.companies] == ["Halloway Motor"]


def test_a_known_company_s_legal_name_is_not_another_company(extractor: Extractor):
    found = companies(
        extractor,
        'The case "Eva Mayer vs. Facebook Ireland Limited" went to the court in Luxembourg.',
        "Facebook said it would appeal.",
    )
    assert found == {"Meta Platforms"}


def test_an_investigation_is_not_an_investment(extractor: Extractor):
    found = facts(
        extractor,
        "Halloway Motor Company said on Friday that regulators had opened an investigation into its tests.",
    )
    assert [(f.kind, f.company) for f in found.facts] == [("statement", "Halloway Motor")]


@pytest.mark.parametrize(
    "sentence",
    [
        'Halloway released a statement which read, "We will appeal the ruling."',
        'Halloway further claimed that "the ruling undermines free speech".',
        'In its filing Halloway wrote, "The tests were lawful."',
    ],
)
def test_what_a_company_writes_or_claims_is_its_statement(extractor: Extractor, sentence: str):
    found = facts(extractor, "A court in Vienna ruled against Halloway Motor Company on Thursday.", sentence)
    assert ("statement", "Halloway Motor") in {
        (f.kind, f.company) for f in found.facts if f.sentence == sentence
    }


def test_what_a_company_s_person_says_is_the_company_s_statement(extractor: Extractor):
    quote = "Quist also said the warehouse would be rebuilt within a year."
    found = facts(
        extractor,
        "Brenwick Foods Inc. said on Monday that its warehouse in Leeds had burned down.",
        "Marla Quist, the chief executive of Brenwick Foods, said no one was hurt.",
        "The fire started in the loading bay, according to the fire service.",
        quote,
    )
    assert [(f.kind, f.company) for f in found.facts if f.sentence == quote] == [
        ("statement", "Brenwick Foods")
    ]


def test_a_company_selling_its_own_chain_keeps_it_a_company(extractor: Extractor):
    """ "its chain X" is what a company owns, not where someone posted ("my Instagram")."""
    found = companies(
        extractor,
        "Tesco sold its South Korean chain HomePlus in 2015 and its Thai stores in March.",
    )
    assert "HomePlus" in found


@pytest.mark.parametrize(
    "text, people",
    [
        # a given name before "and" shares the full name's surname
        (
            "Guests included Mark and Patricia Dunleavy, who run a bakery.",
            {"Mark Dunleavy", "Patricia Dunleavy"},
        ),
        # names the NER took for an organisation or a place, listed with people or given as kin
        (
            "He is survived by his wife, Amanda, and his children Brodie and Nolan.",
            {"Amanda", "Brodie", "Nolan"},
        ),
    ],
)
def test_people_the_ner_half_misses_are_found_from_the_names_beside_them(
    extractor: Extractor, text: str, people: set[str]
):
    assert people <= {p.name for p in facts(extractor, text).people}


def test_a_ship_is_not_a_person(extractor: Extractor):
    assert facts(extractor, "Sailors aboard USS Harwell rescued the crew of the fishing boat.").people == []


@pytest.mark.parametrize("title", ["Police Chief", "Military spokesperson"])
def test_a_role_of_another_kind_of_body_is_not_the_story_companys(extractor: Extractor, title: str):
    found = facts(
        extractor,
        "Brenwick Foods Inc. said on Monday that its warehouse in Leeds had burned down.",
        f"{title} Marla Quist said no one was hurt.",
    )
    assert {p.name: p.organization for p in found.people}.get("Marla Quist", "missing") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Ostrander Group said the contract with Halbrook Marine is worth $40 million.",
        "Ostrander Group said sales of Halbrook Marine rose to $40 million.",
    ],
)
def test_an_amount_belongs_to_the_company_its_subject_is_with_or_of(extractor: Extractor, sentence: str):
    found = facts(extractor, "The navy signed a deal with Halbrook Marine Ltd. on Monday.", sentence)
    assert [(a.text, a.company) for a in found.amounts] == [("$40 million", "Halbrook Marine")]


def test_a_person_a_study_comes_from_is_a_person(extractor: Extractor):
    """ "from" before one word is often a place ("from Baracoa"); before a full name, a person."""
    found = facts(extractor, "The finding builds on an old study from Marten Kovalsky, she said.")
    assert [p.name for p in found.people] == ["Marten Kovalsky"]
