from dp_instructions.cleansing.filters import drop_flagged_and_redacted, keep_language
from tests.cleansing.helpers import instructions


def test_keep_language_records_the_language_dropped():
    frame = instructions(["hi", "hola", "salut"], language=["English", "Spanish", "French"])
    kept, dropped = keep_language(frame, "English")
    assert kept["id"].to_list() == ["c0"]
    assert dropped["reason"].to_list() == ["language_not_English"] * 2
    assert dropped["detail"].to_list() == ["Spanish", "French"]


def test_flagged_wins_over_redacted_and_categories_are_kept_as_detail():
    frame = instructions(
        ["a", "b", "c", "d"],
        flagged=[True, False, True, False],
        redacted=[False, True, True, False],
        flagged_categories=["hate", "", "violence", ""],
    )
    kept, dropped = drop_flagged_and_redacted(frame)
    assert kept["id"].to_list() == ["c3"]
    assert dropped["reason"].to_list() == ["moderation_flagged", "redacted", "moderation_flagged"]
    assert dropped["detail"].to_list() == ["hate", "", "violence"]
