"""A person's roles: the title before a name, the appositive after it."""

from __future__ import annotations

from tasks.extract.roles import title_before


def test_the_title_before_a_name_by_its_last_word_written_out() -> None:
    assert title_before("said President Trump", 15) == "president"
    assert title_before("said Sen. Cruz", 10) == title_before("said Senator Cruz", 13) == "senator"
    assert title_before("said Trump", 5) is None
