"""Word lists: written once, no duplicates, keyed by language."""
import pytest

from transforms import lexicon
from transforms.lexicon import en


@pytest.mark.parametrize("name", sorted(en.WORDS))
def test_no_list_repeats_a_word(name):
    written = en.WORDS[name].split()
    repeated = sorted({w for w in written if written.count(w) > 1})
    assert not repeated, f"{name} repeats {repeated}"
    assert written == sorted(written), f"{name} is not sorted (keeps diffs and duplicates visible)"


def test_mappings_have_unique_variants():
    variants = [v for vs in en.GIVEN_NAME_VARIANTS.values() for v in vs.split()]
    assert len(variants) == len(set(variants))


def test_lists_are_sets_by_language():
    assert "say" in lexicon.words("speech_verbs", "en")
    assert lexicon.words("speech_verbs") == lexicon.words("speech_verbs", "en")  # English by default
    with pytest.raises(KeyError, match="no word lists for language 'xx'"):
        lexicon.words("speech_verbs", "xx")


def test_every_list_is_used_by_code():
    """A list nobody asks for is dead weight."""
    from conftest import ROOT

    code = "\n".join(p.read_text() for p in (ROOT / "transforms").rglob("*.py") if "lexicon" not in p.parts)
    unused = [name for name in en.WORDS if f'"{name}"' not in code]
    assert not unused
