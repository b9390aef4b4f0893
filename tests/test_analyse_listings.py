"""Names in listings: untagged items of a list follow the type the model gives its other items."""
import re

from transforms.analyse.entities import RawMention
from transforms.analyse.listings import drop_figures, is_listing_line, listing_names


def _mention(text, part, label, nth=0):
    start = [m.start() for m in re.finditer(re.escape(part), text)][nth]
    return RawMention(start, start + len(part), part, label, "s0")


def _one_block(text, kind="table"):
    return [(0, len(text), kind)], [(0, len(text), "s0")]


def _persons(mentions):
    return sorted(m.text for m in mentions if m.label == "PERSON")


def test_listing_lines_are_told_from_prose():
    assert is_listing_line("Tarvo Lindqvist ( Norway ) beat Ilkka Rasmussen ( Chile ) 6-3 6-4")
    assert is_listing_line("Chile - 1 - Oskar Meriluoto , 2 - Ilkka Rasmussen ( 14 - Tarvo Lindqvist 80th )")
    assert is_listing_line("Did not bat : Lindqvist , Meriluoto , Rasmussen .")
    assert not is_listing_line("Tarvo Lindqvist beat his old rival in the final on Friday after a long delay .")


def test_untagged_roster_items_follow_the_person_majority():
    text = "Chile - 1 - Oskar Meriluoto , 2 - Ilkka Rasmussen , 3 - Tarvo Lindqvist , 4 - Aapo Korhonen ."
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Chile", "GPE"), _mention(text, "Oskar Meriluoto", "PERSON"),
                _mention(text, "Ilkka Rasmussen", "PERSON"), _mention(text, "Aapo Korhonen", "DATE")]
    out = listing_names(text, mentions, regions, sentences)
    assert _persons(out) == ["Aapo Korhonen", "Ilkka Rasmussen", "Oskar Meriluoto", "Tarvo Lindqvist"]
    assert [m.text for m in out if m.label == "GPE"] == ["Chile"]  # tagged items keep their label
    assert not [m for m in out if m.label == "DATE"]  # the figure label on a name gave way


def test_a_first_name_tagged_alone_gives_way_to_the_whole_item():
    text = "Oskar Meriluoto , Ilkka Rasmussen , Tarvo Lindqvist , Aapo Korhonen"
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Oskar Meriluoto", "PERSON"), _mention(text, "Ilkka Rasmussen", "PERSON"),
                _mention(text, "Tarvo", "GPE")]
    out = listing_names(text, mentions, regions, sentences)
    assert _persons(out) == ["Aapo Korhonen", "Ilkka Rasmussen", "Oskar Meriluoto", "Tarvo Lindqvist"]
    assert not [m for m in out if m.label == "GPE"]


def test_results_rows_name_competitors_but_not_their_bracketed_countries():
    text = ("Oskar Meriluoto ( Norway ) beat Ilkka Rasmussen ( Chile ) 6-3 6-4\n"
            "Tarvo Lindqvist ( Peru ) beat Aapo Korhonen ( Chile ) 7-5 6-2\n"
            "Eino Halonen ( Norway ) beat Veli Tuominen ( Peru ) 6-1 6-1")
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Oskar Meriluoto", "PERSON"), _mention(text, "Tarvo Lindqvist", "PERSON"),
                _mention(text, "Aapo Korhonen", "PERSON"), _mention(text, "Veli Tuominen", "ORG"),
                _mention(text, "Norway", "GPE"), _mention(text, "Chile", "GPE"), _mention(text, "Peru", "GPE")]
    out = listing_names(text, mentions, regions, sentences)
    assert _persons(out) == ["Aapo Korhonen", "Eino Halonen", "Ilkka Rasmussen", "Oskar Meriluoto", "Tarvo Lindqvist"]
    assert [m.text for m in out if m.label == "ORG"] == ["Veli Tuominen"]  # tagged: left to the linker
    assert not [m for m in out if m.text in ("Norway", "Chile", "Peru") and m.label == "PERSON"]


def test_a_column_the_model_calls_organisations_gets_no_persons():
    text = "Harbour Rovers 3 2 0 1 5 2 6\nNorth Vale 3 1 2 0 3 2 5\nLake Wanderers 3 1 1 1 5 4 4"
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Harbour Rovers", "ORG"), _mention(text, "North Vale", "ORG")]
    out = listing_names(text, mentions, regions, sentences)
    assert out == mentions


def test_one_tagged_person_is_not_enough_evidence():
    text = "Oskar Meriluoto , Ilkka Rasmussen , Tarvo Lindqvist"
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Oskar Meriluoto", "PERSON")]
    assert listing_names(text, mentions, regions, sentences) == mentions


def test_prose_and_title_case_headlines_are_left_alone():
    text = ("Oskar Meriluoto and Ilkka Rasmussen met Tarvo Lindqvist in the capital on Friday .\n"
            "Later Aapo Korhonen , who was not there , told Eino Halonen about it .")
    regions, sentences = _one_block(text, "body")
    mentions = [_mention(text, "Oskar Meriluoto", "PERSON"), _mention(text, "Ilkka Rasmussen", "PERSON"),
                _mention(text, "Aapo Korhonen", "PERSON")]
    assert listing_names(text, mentions, regions, sentences) == mentions
    headline = "Meriluoto Beats Rasmussen As Lindqvist Retires In Heat\n\nOskar Meriluoto beat Ilkka Rasmussen ."
    regions, sentences = _one_block(headline, "title")
    mentions = [_mention(headline, "Meriluoto", "PERSON"), _mention(headline, "Rasmussen", "PERSON"),
                _mention(headline, "Oskar Meriluoto", "PERSON"), _mention(headline, "Ilkka Rasmussen", "PERSON")]
    assert listing_names(headline, mentions, regions, sentences) == mentions


def test_headings_possessors_and_team_headers_are_not_names():
    text = ("Teams :\nWomen 's singles , Men 's Open\n"
            "Harbour Rovers - 1 - Oskar Meriluoto , 2 - Ilkka Rasmussen , 3 - Tarvo Lindqvist")
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Oskar Meriluoto", "PERSON"), _mention(text, "Ilkka Rasmussen", "PERSON")]
    out = listing_names(text, mentions, regions, sentences)
    assert _persons(out) == ["Ilkka Rasmussen", "Oskar Meriluoto", "Tarvo Lindqvist"]


def test_a_name_wrapped_at_a_list_line_end_is_one_mention():
    text = "66 Oskar Meriluoto , Ilkka Rasmussen , Tarvo\nLindqvist , Aapo Korhonen"
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Oskar Meriluoto", "PERSON"), _mention(text, "Ilkka Rasmussen", "PERSON")]
    out = listing_names(text, mentions, regions, sentences)
    assert _persons(out) == ["Aapo Korhonen", "Ilkka Rasmussen", "Oskar Meriluoto", "Tarvo\nLindqvist"]


def test_lone_surnames_count_only_between_list_separators():
    text = "Did not bat : Meriluoto , Rasmussen , Lindqvist , Korhonen .\nExtras ( lb-2 ) 3\nFriday ."
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Meriluoto", "PERSON"), _mention(text, "Rasmussen", "PERSON")]
    out = listing_names(text, mentions, regions, sentences)
    assert _persons(out) == ["Korhonen", "Lindqvist", "Meriluoto", "Rasmussen"]
    # a word the article also writes lowercase is a common word, not a surname
    text = "Meriluoto , Rasmussen , Rally , Korhonen .\nThe rally went on ."
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Meriluoto", "PERSON"), _mention(text, "Rasmussen", "PERSON")]
    assert _persons(listing_names(text, mentions, regions, sentences)) == ["Korhonen", "Meriluoto", "Rasmussen"]


def test_person_mentions_lose_the_figures_beside_them():
    text = "Tarvo Lindqvist 46th , Korhonen 8-0-37-2 , 1= Aapo Halonen , Euro 96"
    mentions = [_mention(text, "Tarvo Lindqvist 46th", "PERSON"), _mention(text, "Korhonen 8-0-37-2", "PERSON"),
                _mention(text, "1= Aapo Halonen", "PERSON"), _mention(text, "Euro 96", "EVENT")]
    out = drop_figures(mentions)
    assert [m.text for m in out] == ["Tarvo Lindqvist", "Korhonen", "Aapo Halonen", "Euro 96"]
    assert all(text[m.char_start:m.char_end] == m.text for m in out)


def test_results_table_names_are_all_mentions_end_to_end(nlp):
    from conftest import analysed_documents, source_document

    rows = ["Eino Halonen ( Norway ) beat Veli Tuominen ( Peru ) 6-1 6-1",
            "Oskar Meriluoto ( Norway ) beat Ilkka Rasmussen ( Chile ) 6-3 6-4",
            "Tarvo Lindqvist ( Peru ) beat Aapo Korhonen ( Chile ) 7-5 6-2",
            "Lauri Nieminen ( Chile ) beat Sakari Virtanen ( Norway ) 6-4 7-6"]
    text = "TENNIS - RESULTS .\n\nResults of the open championship on Friday :\n\n" + "\n".join(rows) + "\n"
    (a,) = analysed_documents([source_document(text)], nlp)
    names = [n for row in rows for n in re.findall(r"[A-Z][a-z]+ [A-Z][a-z]+", row)]
    found = {a.raw_text[m.char_start:m.char_end] for m in a.mentions}
    assert set(names) <= found


def test_a_full_name_the_article_calls_a_person_is_one_in_every_listing_line():
    text = ("Oskar Meriluoto , Ilkka Rasmussen , Tarvo Lindqvist\n\n"
            "Later results :\n\n"
            "Tarvo Lindqvist ( Peru ) 3:40.036 beat Harbour Rovers ( Chile )")
    regions, sentences = _one_block(text)
    mentions = [_mention(text, "Oskar Meriluoto", "PERSON"), _mention(text, "Ilkka Rasmussen", "PERSON"),
                _mention(text, "Tarvo", "GPE", 1), _mention(text, "Lindqvist", "GPE", 1),
                _mention(text, "Peru", "GPE")]
    out = listing_names(text, mentions, regions, sentences)
    assert [m.text for m in out if m.label == "PERSON"].count("Tarvo Lindqvist") == 2
    assert not [m for m in out if m.text in ("Tarvo", "Lindqvist")]  # the pieces gave way
    assert "Harbour Rovers" not in _persons(out)


def test_a_list_after_a_colon_is_a_listing_however_its_line_began():
    text = ("Quarter-final results of the open on Friday , with the seeds first : 1 - Oskar Meriluoto ( Norway ) "
            "beat Ilkka Rasmussen ( Chile ) 6-3 6-4\nTarvo Lindqvist ( Peru ) beat Aapo Korhonen ( Chile ) 7-5 6-2")
    regions, sentences = _one_block(text, "body")
    mentions = [_mention(text, "Ilkka Rasmussen", "PERSON"), _mention(text, "Tarvo Lindqvist", "PERSON")]
    out = listing_names(text, mentions, regions, sentences)
    assert _persons(out) == ["Aapo Korhonen", "Ilkka Rasmussen", "Oskar Meriluoto", "Tarvo Lindqvist"]
    assert "Friday" not in _persons(out)
