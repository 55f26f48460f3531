"""Token-budget chunking: pure functions, checked by hand."""

from summarize.chunking import length_sorted_batches, pack_by_budget, split_pieces, split_to_fit


def test_split_pieces_respects_budget_and_keeps_everything():
    pieces = [f"▁w{i}" for i in range(23)]
    runs = split_pieces(pieces, 5)
    assert all(len(r) <= 5 for r in runs)
    assert [p for r in runs for p in r] == pieces


def test_split_pieces_prefers_clause_boundary():
    pieces = ["▁a", "▁b", "▁c,", "▁d", "▁e", "▁f", "▁g"]
    runs = split_pieces(pieces, 5)
    assert runs[0] == ["▁a", "▁b", "▁c,"]


def test_split_pieces_avoids_cutting_inside_a_word():
    pieces = ["▁aa", "bb", "▁cc", "dd", "ee", "▁ff"]
    runs = split_pieces(pieces, 4)
    assert runs[0] == ["▁aa", "bb"]
    assert [p for r in runs for p in r] == pieces


def test_pack_by_budget_groups_consecutive_items():
    assert pack_by_budget([3, 3, 3, 10, 1], 6) == [[0, 1], [2], [3], [4]]
    assert pack_by_budget([], 5) == []


def test_length_sorted_batches_cover_all_items_longest_first():
    counts = [5, 50, 7, 48, 6, 49]
    batches = length_sorted_batches(counts, max_batch_size=2, max_batch_tokens=1000)
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert batches[0] == [1, 5]
    assert all(len(b) <= 2 for b in batches)


def test_length_sorted_batches_token_budget():
    counts = [10, 10, 10, 10]
    batches = length_sorted_batches(counts, max_batch_size=10, max_batch_tokens=25)
    assert [len(b) for b in batches] == [2, 2]


def test_split_to_fit_never_drops_text():
    words = " ".join(f"kata{i}" for i in range(40))

    def tokenize(t):
        return ["▁" + w for w in t.split()]

    def detok(ps):
        return " ".join(p.lstrip("▁") for p in ps)

    def count(t):
        return len(tokenize(t)) + 1  # one special token

    parts = split_to_fit(words, 9, count, tokenize, detok)
    assert all(count(p) <= 9 for p in parts)
    assert " ".join(parts) == words
    assert split_to_fit("pendek", 9, count, tokenize, detok) == ["pendek"]
